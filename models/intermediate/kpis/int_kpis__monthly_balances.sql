{#- The monthly figures every receivables KPI is made of (docs/definitions/06-sales-and-dso.md),
    per company and month, measured at the period end E (month end, or the
    as-of date for the current month):
      net_credit_sales  invoices and credit notes posted in the month up to E
      ar_balance        balance as of E (every item posted by E, unapplied included)
      ar_not_due        open amount as of E of debit items due on or after E
      opening_balance   balance as of the day before the month's first day -#}
with

month_ends as (
    select * from {{ ref('int_kpis__month_ends') }}
),

entries as (
    select * from {{ ref('stg_ledger__entries') }}
),

intervals as (
    select * from {{ ref('int_ledger__open_item_intervals') }}
    where item_side = 'debit'
),

monthly_movements as (
    select
        month_ends.company_code,
        month_ends.month_start_date,
        sum(entries.amount) as movement,
        sum(
            case when entries.document_type in ('invoice', 'credit_note') then entries.amount else 0 end
        ) as net_credit_sales
    from month_ends
    inner join entries
        on
            month_ends.company_code = entries.company_code
            and month_ends.month_start_date <= entries.posting_date
            and month_ends.period_end_date >= entries.posting_date
    group by month_ends.company_code, month_ends.month_start_date
),

not_due as (
    select
        month_ends.company_code,
        month_ends.month_start_date,
        sum(intervals.open_amount) as ar_not_due
    from month_ends
    inner join intervals
        on
            month_ends.company_code = intervals.company_code
            and month_ends.period_end_date >= intervals.valid_from
            and (intervals.valid_until is null or month_ends.period_end_date < intervals.valid_until)
            and month_ends.period_end_date <= intervals.due_date
    group by month_ends.company_code, month_ends.month_start_date
),

balances as (
    select
        month_ends.company_code,
        month_ends.month_start_date,
        month_ends.month_end_date,
        month_ends.period_end_date,
        month_ends.is_complete,
        coalesce(monthly_movements.net_credit_sales, 0) as net_credit_sales,
        coalesce(not_due.ar_not_due, 0) as ar_not_due,
        -- nothing is posted before the first month, so the running sum of
        -- monthly movements is the balance as of each period end
        sum(coalesce(monthly_movements.movement, 0)) over (
            partition by month_ends.company_code
            order by month_ends.month_start_date
            rows between unbounded preceding and current row
        ) as ar_balance,
        coalesce(sum(coalesce(monthly_movements.movement, 0)) over (
            partition by month_ends.company_code
            order by month_ends.month_start_date
            rows between unbounded preceding and 1 preceding
        ), 0) as opening_balance
    from month_ends
    left join monthly_movements
        on
            month_ends.company_code = monthly_movements.company_code
            and month_ends.month_start_date = monthly_movements.month_start_date
    left join not_due
        on
            month_ends.company_code = not_due.company_code
            and month_ends.month_start_date = not_due.month_start_date
)

select
    company_code,
    month_start_date,
    month_end_date,
    period_end_date,
    is_complete,
    -- days of the month measured: all of them, or up to the as-of date
    cast(extract(day from period_end_date) as integer) as period_days,
    net_credit_sales,
    ar_balance,
    ar_not_due,
    opening_balance
from balances
