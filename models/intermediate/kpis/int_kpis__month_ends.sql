{#- One row per company and month, from the first posting's month to the
    as-of month (docs/definitions/00-conventions.md). A month is measured up to its period end:
    its last day, or the as-of date for the current month, which is flagged
    incomplete. -#}
with

days as (
    select * from {{ ref('int_calendar__days') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

companies as (
    select distinct company_code
    from {{ ref('stg_ledger__entries') }}
),

months as (
    select distinct
        days.month_start_date,
        days.month_end_date
    from days
    cross join as_of
    where
        days.date_day >= as_of.first_posting_date
        and days.date_day <= as_of.as_of_date
)

select
    companies.company_code,
    months.month_start_date,
    months.month_end_date,
    case
        when months.month_end_date <= as_of.as_of_date then months.month_end_date
        else as_of.as_of_date
    end as period_end_date,
    months.month_end_date <= as_of.as_of_date as is_complete
from months
cross join companies
cross join as_of
