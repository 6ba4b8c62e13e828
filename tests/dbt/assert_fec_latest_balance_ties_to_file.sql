{#- A company whose only source is one FEC file: the latest aged balance of
    each of its customers equals the sum of debit - credit of that customer's
    valid lines on receivable accounts in the file posted by the as-of date,
    to the cent. Opening entries (à nouveaux) included, nothing lost to
    de-duplication. -#}
with

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

fec_files as (
    select * from {{ ref('int_fec__files') }}
),

ledger_lines as (
    select * from {{ ref('stg_ledger__lines') }}
),

aged as (
    select * from {{ ref('fct_ar_aged_balance_weekly') }}
    where is_latest
),

single_fec_companies as (
    select company_code
    from fec_files
    group by company_code
    having count(*) = 1
),

csv_companies as (
    select distinct company_code
    from ledger_lines
    where source_name = 'ledger'
),

file_balances as (
    select
        ledger_lines.company_code,
        ledger_lines.customer_code,
        sum(coalesce(ledger_lines.debit, 0) - coalesce(ledger_lines.credit, 0)) as file_balance
    from ledger_lines
    inner join single_fec_companies
        on ledger_lines.company_code = single_fec_companies.company_code
    cross join as_of
    where
        ledger_lines.source_name = 'fec'
        and ledger_lines.problem_count = 0
        and ledger_lines.posting_date <= as_of.as_of_date
    group by ledger_lines.company_code, ledger_lines.customer_code
),

aged_balances as (
    select
        aged.company_code,
        aged.customer_code,
        aged.balance as aged_balance
    from aged
    inner join single_fec_companies
        on aged.company_code = single_fec_companies.company_code
)

select
    coalesce(file_balances.company_code, aged_balances.company_code) as company_code,
    coalesce(file_balances.customer_code, aged_balances.customer_code) as customer_code,
    file_balances.file_balance,
    aged_balances.aged_balance
from file_balances
full outer join aged_balances
    on
        file_balances.company_code = aged_balances.company_code
        and file_balances.customer_code = aged_balances.customer_code
where
    coalesce(file_balances.company_code, aged_balances.company_code) not in (
        select csv_companies.company_code from csv_companies
    )
    and coalesce(file_balances.file_balance, 0) <> coalesce(aged_balances.aged_balance, 0)
