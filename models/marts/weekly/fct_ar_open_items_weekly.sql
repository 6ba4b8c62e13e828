{#- Every item open on every snapshot date (docs/definitions/04-snapshots.md): its open amount,
    its age and bucket, and the dunning tool's state of its document then.

    A view: each item's state runs (a few rows per item) joined to the
    snapshots they cover. Stored, this grain is one row per item and week
    (135 M rows at 10 M ledger lines, docs/scaling.md) for a table BI tools
    read one snapshot at a time; as a view, a query on one snapshot date
    reads only the runs covering it. The aggregated weekly marts are tables. -#}
{{ config(materialized='view') }}

with

snapshots as (
    select * from {{ ref('int_calendar__snapshot_dates') }}
),

runs as (
    select * from {{ ref('int_ageing__item_state_runs') }}
),

snapshot_extracts as (
    select * from {{ ref('int_dunning__snapshot_extracts') }}
),

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

positions as (
    select * from {{ ref('int_customers__weekly_positions') }}
),

open_items as (
    select
        snapshots.snapshot_date,
        snapshots.is_latest,
        runs.*,
        case
            when runs.item_side = 'debit'
                then {{ ar_days_between('runs.due_date', 'snapshots.snapshot_date') }}
        end as days_past_due
    from snapshots
    inner join runs
        on
            snapshots.snapshot_index >= runs.first_snapshot_index
            and (runs.end_snapshot_index is null or snapshots.snapshot_index < runs.end_snapshot_index)
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
    cast(open_items.age_bucket as {{ dbt.type_string() }}) as age_bucket,
    cast(open_items.age_bucket_order as integer) as age_bucket_order,
    cast(open_items.amount as decimal(18, 2)) as amount,
    cast(open_items.open_amount as decimal(18, 2)) as open_amount,
    cast(open_items.lettering_code as {{ dbt.type_string() }}) as lettering_code,
    cast(open_items.lettering_effective_date as date) as lettering_effective_date,
    cast(open_items.dunning_status as {{ dbt.type_string() }}) as dunning_status,
    cast(open_items.dunning_level as integer) as dunning_level,
    cast(open_items.blocking_cause as {{ dbt.type_string() }}) as blocking_cause,
    -- the collector on the document's dunning row, else the customer master's
    cast(coalesce(open_items.document_collector, customers.collector) as {{ dbt.type_string() }})
        as document_collector,
    -- the collector responsible for the customer that week (conformed layer)
    cast(positions.collector as {{ dbt.type_string() }}) as collector,
    cast(open_items.promised_date as date) as promised_date,
    cast(open_items.promised_amount as decimal(18, 2)) as promised_amount,
    cast(snapshot_extracts.extracted_at as date) as dunning_extracted_at,
    cast(open_items.reference as {{ dbt.type_string() }}) as reference,
    cast(open_items.terms_exceed_legal_max as boolean) as terms_exceed_legal_max,
    cast(open_items.is_latest as boolean) as is_latest
from open_items
left join snapshot_extracts
    on
        open_items.company_code = snapshot_extracts.company_code
        and open_items.snapshot_date = snapshot_extracts.snapshot_date
left join customers
    on
        open_items.company_code = customers.company_code
        and open_items.customer_code = customers.customer_code
left join positions
    on
        open_items.snapshot_date = positions.snapshot_date
        and open_items.company_code = positions.company_code
        and open_items.customer_code = positions.customer_code
