{#- DEFINITIONS §14 recomputed straight from its wording, month end by month
    end (the mart uses window events and running sums instead): for each
    month's as-of day d, the debit items with residual 0 whose group took
    effect in (d - behaviour_window_days, d], and the debit intervals open on
    d with a due date before d. Every customer-month with either must be in
    the mart with the same counts, sums (to the cent), weighted days
    (within 1e-6) and rating; the mart has no other row. -#}
{%- set window_days = var('behaviour_window_days') | int %}

with

settlements as (
    select * from {{ ref('int_lettering__item_settlements') }}
    where item_side = 'debit' and residual_amount = 0
),

intervals as (
    select * from {{ ref('int_ledger__open_item_intervals') }}
    where item_side = 'debit'
),

months as (
    select distinct
        month_end_date,
        period_end_date
    from {{ ref('int_kpis__month_ends') }}
),

mart as (
    select * from {{ ref('fct_ar_payment_behaviour_monthly') }}
),

settled as (
    select
        months.month_end_date,
        settlements.company_code,
        settlements.customer_code,
        count(*) as settled_item_count,
        sum(settlements.amount) as settled_amount,
        sum(
            settlements.amount * case
                when settlements.effective_date > settlements.due_date
                    then {{ ar_days_between('settlements.due_date', 'settlements.effective_date') }}
                else 0
            end
        ) as late_amount_days,
        sum(case when settlements.effective_date <= settlements.due_date then settlements.amount else 0 end)
            as on_time_amount
    from months
    inner join settlements
        on
            months.period_end_date >= settlements.effective_date
            and settlements.effective_date > {{ ar_add_days('months.period_end_date', -window_days) }}
    group by months.month_end_date, settlements.company_code, settlements.customer_code
),

overdue as (
    select
        months.month_end_date,
        intervals.company_code,
        intervals.customer_code,
        count(*) as open_overdue_item_count,
        sum(intervals.open_amount) as open_overdue_amount,
        sum(intervals.open_amount * {{ ar_days_between('intervals.due_date', 'months.period_end_date') }})
            as open_amount_days
    from months
    inner join intervals
        on
            {{ ar_valid_on('intervals', 'months.period_end_date') }}
            and months.period_end_date > intervals.due_date
    group by months.month_end_date, intervals.company_code, intervals.customer_code
),

expected as (
    select
        coalesce(settled.month_end_date, overdue.month_end_date) as month_end_date,
        coalesce(settled.company_code, overdue.company_code) as company_code,
        coalesce(settled.customer_code, overdue.customer_code) as customer_code,
        coalesce(settled.settled_item_count, 0) as settled_item_count,
        coalesce(settled.settled_amount, 0) as settled_amount,
        {{ ar_divide('settled.late_amount_days', 'settled.settled_amount') }} as weighted_days_late,
        {{ ar_divide('settled.on_time_amount', 'settled.settled_amount') }} as on_time_share,
        coalesce(overdue.open_overdue_item_count, 0) as open_overdue_item_count,
        {{ ar_divide('overdue.open_amount_days', 'overdue.open_overdue_amount') }} as open_weighted_days_past_due,
        {{ ar_payment_rating('settled.late_amount_days', 'settled.settled_amount') }} as payment_rating
    from settled
    full outer join overdue
        on
            settled.month_end_date = overdue.month_end_date
            and settled.company_code = overdue.company_code
            and settled.customer_code = overdue.customer_code
)

select
    coalesce(expected.month_end_date, mart.month_end_date) as month_end_date,
    coalesce(expected.company_code, mart.company_code) as company_code,
    coalesce(expected.customer_code, mart.customer_code) as customer_code,
    expected.weighted_days_late as expected_weighted_days_late,
    mart.weighted_days_late,
    expected.payment_rating as expected_payment_rating,
    mart.payment_rating
from expected
full outer join mart
    on
        expected.month_end_date = mart.month_end_date
        and expected.company_code = mart.company_code
        and expected.customer_code = mart.customer_code
where
    expected.month_end_date is null
    or mart.month_end_date is null
    or expected.settled_item_count <> mart.settled_item_count
    or expected.settled_amount <> mart.settled_amount
    or expected.open_overdue_item_count <> mart.open_overdue_item_count
    or expected.payment_rating <> mart.payment_rating
    or (expected.weighted_days_late is null) <> (mart.weighted_days_late is null)
    or abs(expected.weighted_days_late - mart.weighted_days_late) > 0.000001
    or (expected.on_time_share is null) <> (mart.on_time_share is null)
    or abs(expected.on_time_share - mart.on_time_share) > 0.000001
    or (expected.open_weighted_days_past_due is null) <> (mart.open_weighted_days_past_due is null)
    or abs(expected.open_weighted_days_past_due - mart.open_weighted_days_past_due) > 0.000001
