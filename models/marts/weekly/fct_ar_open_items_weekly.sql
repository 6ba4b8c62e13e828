{#- Every item open on every snapshot date (DEFINITIONS §4): its open amount,
    its age and bucket, and the dunning tool's state of its document then.
    Built from each item's one or two validity intervals joined to the
    snapshot dates. -#}
with

snapshots as (
    select * from {{ ref('int_calendar__snapshot_dates') }}
),

intervals as (
    select * from {{ ref('int_ledger__open_item_intervals') }}
),

snapshot_extracts as (
    select * from {{ ref('int_dunning__snapshot_extracts') }}
),

document_states as (
    select * from {{ ref('stg_dunning__document_states') }}
),

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

open_items as (
    select
        snapshots.snapshot_date,
        snapshots.is_latest,
        intervals.*,
        case
            when intervals.item_side = 'debit'
                then {{ ar_days_between('intervals.due_date', 'snapshots.snapshot_date') }}
        end as days_past_due
    from snapshots
    inner join intervals
        on
            snapshots.snapshot_date >= intervals.valid_from
            and (intervals.valid_until is null or snapshots.snapshot_date < intervals.valid_until)
)

select
    cast(open_items.snapshot_date as date) as snapshot_date,
    cast(open_items.company_code as {{ dbt.type_string() }}) as company_code,
    cast(open_items.entry_id as {{ dbt.type_string() }}) as entry_id,
    cast(open_items.customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(customers.customer_name as {{ dbt.type_string() }}) as customer_name,
    cast(customers.customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(open_items.document_number as {{ dbt.type_string() }}) as document_number,
    cast(open_items.document_type as {{ dbt.type_string() }}) as document_type,
    cast(open_items.item_side as {{ dbt.type_string() }}) as item_side,
    cast(open_items.posting_date as date) as posting_date,
    cast(open_items.due_date as date) as due_date,
    cast(open_items.days_past_due as integer) as days_past_due,
    cast(
        {{ ar_age_bucket('open_items.days_past_due', 'open_items.open_amount') }}
        as {{ dbt.type_string() }}
    ) as age_bucket,
    cast(
        {{ ar_age_bucket('open_items.days_past_due', 'open_items.open_amount', 'order') }}
        as integer
    ) as age_bucket_order,
    cast(open_items.amount as decimal(18, 2)) as amount,
    cast(open_items.open_amount as decimal(18, 2)) as open_amount,
    cast(open_items.lettering_code as {{ dbt.type_string() }}) as lettering_code,
    cast(open_items.lettering_effective_date as date) as lettering_effective_date,
    cast(coalesce(document_states.dunning_status, 'not_dunned') as {{ dbt.type_string() }}) as dunning_status,
    cast(coalesce(document_states.dunning_level, 0) as integer) as dunning_level,
    cast(coalesce(document_states.blocking_cause, 'none') as {{ dbt.type_string() }}) as blocking_cause,
    -- the collector on the document's dunning row, else the customer's
    cast(coalesce(document_states.collector, customers.collector) as {{ dbt.type_string() }}) as collector,
    cast(document_states.promised_date as date) as promised_date,
    cast(document_states.promised_amount as decimal(18, 2)) as promised_amount,
    cast(snapshot_extracts.extracted_at as date) as dunning_extracted_at,
    cast(open_items.reference as {{ dbt.type_string() }}) as reference,
    cast(open_items.is_latest as boolean) as is_latest
from open_items
left join snapshot_extracts
    on
        open_items.company_code = snapshot_extracts.company_code
        and open_items.snapshot_date = snapshot_extracts.snapshot_date
left join document_states
    on
        snapshot_extracts.company_code = document_states.company_code
        and snapshot_extracts.extracted_at = document_states.extracted_at
        and open_items.customer_code = document_states.customer_code
        and open_items.document_number = document_states.document_number
left join customers
    on
        open_items.company_code = customers.company_code
        and open_items.customer_code = customers.customer_code
order by snapshot_date, company_code, customer_code, entry_id
