{#- What came in and went out of the books during each snapshot's week, per
    customer: invoices and credit notes issued, payments received, and how
    much of those payments was lettered by the week's end (the rest is
    unapplied cash the accountants still have to letter). Amounts are
    positive for what the document type normally carries (a returned payment
    reduces payments received). Incremental like the other weekly marts. -#}
-- depends_on: {{ ref('int_weekly__restatement') }}
{{ config(
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
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
)

select
    cast(snapshot_date as date) as snapshot_date,
    cast(period_start_date as date) as period_start_date,
    cast(company_code as {{ dbt.type_string() }}) as company_code,
    cast(customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(sum(case when document_type = 'invoice' then amount else 0 end) as decimal(18, 2))
        as invoices_issued,
    cast(sum(case when document_type = 'credit_note' then -amount else 0 end) as decimal(18, 2))
        as credit_notes_issued,
    cast(sum(case when document_type = 'payment' then -amount else 0 end) as decimal(18, 2))
        as payments_received,
    cast(sum(case when document_type = 'payment' then -lettered_amount else 0 end) as decimal(18, 2))
        as payments_lettered,
    cast(sum(case when document_type = 'payment' then -(amount - lettered_amount) else 0 end) as decimal(18, 2))
        as payments_unlettered,
    cast(count(*) as integer) as document_count
from movements
group by snapshot_date, period_start_date, company_code, customer_code
order by snapshot_date, company_code, customer_code
