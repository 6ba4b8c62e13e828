{#- Table II's total is every invoice item settled in full during the year
    after its due date: settled on its lettering group's effective date,
    recomputed from the ledger and the groups (not the item settlements). -#}
with

statutory as (
    select * from {{ ref('fct_ar_statutory_payment_delays') }}
    where table_code = 'II' and lateness_band = 'total'
),

entries as (
    select * from {{ ref('stg_ledger__entries') }}
),

groups as (
    select * from {{ ref('int_lettering__groups') }}
),

settlements as (
    select * from {{ ref('int_lettering__item_settlements') }}
),

late_items as (
    select
        statutory.fiscal_year_end,
        entries.company_code,
        entries.customer_code,
        entries.document_number,
        entries.amount
    from statutory
    inner join entries
        on statutory.company_code = entries.company_code
    inner join groups
        on
            entries.company_code = groups.company_code
            and entries.customer_code = groups.customer_code
            and entries.lettering_code = groups.lettering_code
    inner join settlements
        on
            entries.company_code = settlements.company_code
            and entries.entry_id = settlements.entry_id
    where
        entries.document_type = 'invoice'
        and entries.amount > 0
        and settlements.residual_amount = 0
        and groups.effective_date >= statutory.fiscal_year_start
        and groups.effective_date <= statutory.fiscal_year_end
        and groups.effective_date > entries.due_date
),

expected_documents as (
    select
        fiscal_year_end,
        company_code,
        customer_code,
        document_number,
        sum(amount) as amount
    from late_items
    group by fiscal_year_end, company_code, customer_code, document_number
),

expected as (
    select
        fiscal_year_end,
        company_code,
        count(*) as document_count,
        sum(amount) as amount
    from expected_documents
    group by fiscal_year_end, company_code
)

select
    statutory.fiscal_year_end,
    statutory.company_code,
    statutory.invoice_count,
    expected.document_count as expected_document_count,
    statutory.amount,
    expected.amount as expected_amount
from statutory
left join expected
    on
        statutory.fiscal_year_end = expected.fiscal_year_end
        and statutory.company_code = expected.company_code
where
    statutory.invoice_count <> coalesce(expected.document_count, 0)
    or statutory.amount <> coalesce(expected.amount, 0)
