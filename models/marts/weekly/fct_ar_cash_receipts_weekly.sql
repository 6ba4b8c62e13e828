{#- What came in and went out of the books during each snapshot's week, per
    customer: invoices and credit notes issued, payments received, and how
    much of those payments was lettered by the week's end (the rest is
    unapplied cash the accountants still have to letter). Amounts are
    positive for what the document type normally carries (a returned payment
    reduces payments received). Incremental like the other weekly marts. -#}
-- depends_on: {{ ref('int_weekly__restatement') }}
{#- on_schema_change not 'fail': PostgreSQL sees the contract's varchar columns as text in the
    rows of an incremental run, a type "change" that fails it; a column added to the model is
    appended, and its code change restates every snapshot (docs/weekly-runs.md) -#}
{{ config(
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    meta={'restated_by': 'snapshots'},
    pre_hook="{{ ar_delete_restated_snapshots() }}"
) }}
with

snapshots as (
    select * from {{ ref('int_calendar__snapshot_dates') }}
    where {{ ar_restated_snapshots_only() }}
),

entries as (
    select * from {{ ref('stg_ledger__entries') }}
    where document_type in ('invoice', 'credit_note', 'payment')
),

settlements as (
    select * from {{ ref('int_lettering__item_settlements') }}
),

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

dunning_collectors as (
    select * from {{ ref('int_dunning__customer_collectors_weekly') }}
),

movements as (
    select
        snapshots.snapshot_date,
        snapshots.period_start_date,
        entries.company_code,
        entries.customer_code,
        entries.document_type,
        entries.amount,
        -- the part of a payment lettered by the week's end
        case
            when settlements.effective_date <= snapshots.snapshot_date
                then entries.amount - settlements.residual_amount
            else 0
        end as lettered_amount
    from entries
    inner join snapshots
        on entries.posting_date between snapshots.period_start_date and snapshots.snapshot_date
    left join settlements
        on
            entries.company_code = settlements.company_code
            and entries.entry_id = settlements.entry_id
),

by_customer as (
    select
        snapshot_date,
        period_start_date,
        company_code,
        customer_code,
        sum(case when document_type = 'invoice' then amount else 0 end) as invoices_issued,
        sum(case when document_type = 'credit_note' then -amount else 0 end) as credit_notes_issued,
        sum(case when document_type = 'payment' then -amount else 0 end) as payments_received,
        sum(case when document_type = 'payment' then -lettered_amount else 0 end) as payments_lettered,
        sum(case when document_type = 'payment' then -(amount - lettered_amount) else 0 end)
            as payments_unlettered,
        count(*) as document_count
    from movements
    group by snapshot_date, period_start_date, company_code, customer_code
)

select
    cast(by_customer.snapshot_date as date) as snapshot_date,
    cast(by_customer.period_start_date as date) as period_start_date,
    cast(by_customer.company_code as {{ dbt.type_string() }}) as company_code,
    cast(by_customer.customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(
        {{ ar_customer_collector('dunning_collectors.collector', 'customers.collector') }}
        as {{ dbt.type_string() }}
    ) as collector,
    cast(by_customer.invoices_issued as decimal(18, 2)) as invoices_issued,
    cast(by_customer.credit_notes_issued as decimal(18, 2)) as credit_notes_issued,
    cast(by_customer.payments_received as decimal(18, 2)) as payments_received,
    cast(by_customer.payments_lettered as decimal(18, 2)) as payments_lettered,
    cast(by_customer.payments_unlettered as decimal(18, 2)) as payments_unlettered,
    cast(by_customer.document_count as integer) as document_count
from by_customer
left join customers
    on
        by_customer.company_code = customers.company_code
        and by_customer.customer_code = customers.customer_code
-- the collector responsible for the customer at the week's snapshot (ar_customer_collector)
left join dunning_collectors
    on
        by_customer.snapshot_date = dunning_collectors.snapshot_date
        and by_customer.company_code = dunning_collectors.company_code
        and by_customer.customer_code = dunning_collectors.customer_code
order by snapshot_date, company_code, customer_code
