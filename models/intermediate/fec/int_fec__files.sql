{#- One row per landed FEC file: which company and fiscal year it is, and
    where each of its lines went: on a receivable account (staged or
    quarantined as a ledger line) or out of the AR scope. The receivable
    balance is what the marts must tie to. -#}
with

fec_lines as (
    select * from {{ ref('stg_fec__lines') }}
),

ledger_lines as (
    select * from {{ ref('stg_ledger__lines') }}
    where source_name = 'fec'
),

files as (
    select
        company_code,
        source_file,
        min(file_name_date) as closing_date_in_file_name,
        min({{ ar_parse_date('posting_date_raw') }}) as first_posting_date,
        max({{ ar_parse_date('posting_date_raw') }}) as last_posting_date,
        count(*) as landed_lines,
        sum(case when account_scope = 'receivable' then 1 else 0 end) as receivable_lines,
        sum(case when account_scope = 'unreadable' then 1 else 0 end) as unreadable_lines,
        sum(case when account_scope = 'out_of_scope' then 1 else 0 end) as out_of_scope_lines
    from fec_lines
    group by company_code, source_file
),

-- What became of the lines that went on as ledger lines, and the receivable
-- balance the file states (sum of debit - credit of its valid lines).
staged as (
    select
        company_code,
        source_file,
        sum(case when problem_count = 0 then 1 else 0 end) as staged_lines,
        sum(case when problem_count > 0 then 1 else 0 end) as quarantined_lines,
        count(distinct case when problem_count = 0 then customer_code end) as customer_count,
        sum(case when problem_count = 0 and lettering_code is not null then 1 else 0 end) as lettered_lines,
        sum(
            case when problem_count = 0 then coalesce(debit, 0) - coalesce(credit, 0) else 0 end
        ) as receivable_balance
    from ledger_lines
    group by company_code, source_file
)

select
    files.company_code,
    files.source_file,
    cast(files.closing_date_in_file_name as date) as closing_date_in_file_name,
    files.first_posting_date,
    files.last_posting_date,
    files.landed_lines,
    files.receivable_lines,
    files.unreadable_lines,
    files.out_of_scope_lines,
    coalesce(staged.staged_lines, 0) as staged_lines,
    coalesce(staged.quarantined_lines, 0) as quarantined_lines,
    coalesce(staged.customer_count, 0) as customer_count,
    coalesce(staged.lettered_lines, 0) as lettered_lines,
    cast(coalesce(staged.receivable_balance, 0) as decimal(18, 2)) as receivable_balance
from files
left join staged
    on
        files.company_code = staged.company_code
        and files.source_file = staged.source_file
