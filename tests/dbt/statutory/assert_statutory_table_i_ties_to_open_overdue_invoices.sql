{#- Table I covers exactly the open overdue invoices at each year end: its
    total and its disputed band together are every invoice item open at F
    with days past due >= 1. The open amount is recomputed here from the
    ledger and the lettering settlements (the item's amount before its group
    takes effect, its residual from then on), not from the intervals. -#}
with

statutory as (
    select * from {{ ref('fct_ar_statutory_payment_delays') }}
    where table_code = 'I'
),

entries as (
    select * from {{ ref('stg_ledger__entries') }}
    where document_type = 'invoice' and amount > 0
),

settlements as (
    select * from {{ ref('int_lettering__item_settlements') }}
),

year_ends as (
    select distinct
        fiscal_year_end,
        company_code
    from statutory
),

open_overdue as (
    select
        year_ends.fiscal_year_end,
        year_ends.company_code,
        entries.customer_code,
        entries.document_number,
        case
            when settlements.effective_date is null or year_ends.fiscal_year_end < settlements.effective_date
                then entries.amount
            else settlements.residual_amount
        end as open_amount
    from year_ends
    inner join entries
        on
            year_ends.company_code = entries.company_code
            and year_ends.fiscal_year_end >= entries.posting_date
            and year_ends.fiscal_year_end > entries.due_date
    left join settlements
        on
            entries.company_code = settlements.company_code
            and entries.entry_id = settlements.entry_id
),

expected_documents as (
    select
        fiscal_year_end,
        company_code,
        customer_code,
        document_number,
        sum(open_amount) as open_amount
    from open_overdue
    where open_amount <> 0
    group by fiscal_year_end, company_code, customer_code, document_number
),

expected as (
    select
        fiscal_year_end,
        company_code,
        count(*) as document_count,
        sum(open_amount) as open_amount
    from expected_documents
    group by fiscal_year_end, company_code
),

reported as (
    select
        fiscal_year_end,
        company_code,
        sum(invoice_count) as document_count,
        sum(amount) as open_amount
    from statutory
    where lateness_band in ('total', 'excluded_disputed')
    group by fiscal_year_end, company_code
)

select
    reported.fiscal_year_end,
    reported.company_code,
    reported.document_count,
    expected.document_count as expected_document_count,
    reported.open_amount,
    expected.open_amount as expected_open_amount
from reported
left join expected
    on
        reported.fiscal_year_end = expected.fiscal_year_end
        and reported.company_code = expected.company_code
where
    reported.document_count <> coalesce(expected.document_count, 0)
    or reported.open_amount <> coalesce(expected.open_amount, 0)
