{#- The collection rate's amounts recomputed straight from the open-item
    intervals (docs/definitions/07-collection-rate.md), per month and company, independently of the
    lettering settlements the mart is built on: each month's target debits
    are those open the day before the month (base = open amount then) or
    posted in the month (base = amount), due by its last day; collected =
    base - open amount on the day the month is measured. Any difference with
    the mart, to the cent, is a failure. -#}
with

intervals as (
    select * from {{ ref('int_ledger__open_item_intervals') }}
    where item_side = 'debit'
),

entries as (
    select * from {{ ref('stg_ledger__entries') }}
    where item_side = 'debit'
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

days as (
    select * from {{ ref('int_calendar__days') }}
),

monthly as (
    select * from {{ ref('fct_ar_collection_monthly') }}
),

months as (
    select distinct
        days.month_start_date,
        days.month_end_date,
        {{ ar_add_days('days.month_start_date', -1) }} as day_before_month,
        least(days.month_end_date, as_of.as_of_date) as measured_until_date
    from days
    cross join as_of
    where
        days.month_end_date >= as_of.first_posting_date
        and days.month_start_date <= as_of.as_of_date
),

-- open the day before the month, posted before it
open_at_start as (
    select
        months.month_start_date,
        months.measured_until_date,
        intervals.company_code,
        intervals.entry_id,
        intervals.open_amount as base_amount
    from months
    inner join intervals
        on
            months.day_before_month >= intervals.valid_from
            and (intervals.valid_until is null or months.day_before_month < intervals.valid_until)
            and months.month_end_date >= intervals.due_date
    where intervals.open_amount > 0
),

-- posted in the month (even if lettered on the day it was posted)
posted_in_month as (
    select
        months.month_start_date,
        months.measured_until_date,
        entries.company_code,
        entries.entry_id,
        entries.amount as base_amount
    from months
    inner join entries
        on
            months.month_start_date <= entries.posting_date
            and months.measured_until_date >= entries.posting_date
            and months.month_end_date >= entries.due_date
),

targets as (
    select * from open_at_start
    union all
    select * from posted_in_month
),

measured as (
    select
        targets.month_start_date,
        targets.company_code,
        targets.base_amount,
        targets.base_amount - coalesce(at_end.open_amount, 0) as collected_amount
    from targets
    left join intervals as at_end
        on
            targets.company_code = at_end.company_code
            and targets.entry_id = at_end.entry_id
            and targets.measured_until_date >= at_end.valid_from
            and (at_end.valid_until is null or targets.measured_until_date < at_end.valid_until)
),

expected as (
    select
        month_start_date,
        company_code,
        sum(base_amount) as amount_to_collect,
        sum(collected_amount) as amount_collected
    from measured
    group by month_start_date, company_code
),

actual as (
    select
        month_start_date,
        company_code,
        sum(amount_to_collect) as amount_to_collect,
        sum(amount_collected) as amount_collected
    from monthly
    group by month_start_date, company_code
)

select
    coalesce(expected.month_start_date, actual.month_start_date) as month_start_date,
    coalesce(expected.company_code, actual.company_code) as company_code,
    expected.amount_to_collect as expected_amount_to_collect,
    actual.amount_to_collect as actual_amount_to_collect,
    expected.amount_collected as expected_amount_collected,
    actual.amount_collected as actual_amount_collected
from expected
full outer join actual
    on
        expected.month_start_date = actual.month_start_date
        and expected.company_code = actual.company_code
where
    coalesce(expected.amount_to_collect, 0) <> coalesce(actual.amount_to_collect, 0)
    or coalesce(expected.amount_collected, 0) <> coalesce(actual.amount_collected, 0)
