{#- How each customer pays (docs/definitions/14-payment-behaviour.md), per company, customer and
    calendar month end d, computed as of d (the as-of date for its month):
    - over the debit items fully settled (residual 0) in the window
      (d - `behaviour_window_days`, d], on their group's effective date:
      amount-weighted days late (early counts 0) and the share of the amount
      settled on or before the due date;
    - over the debit items open and overdue at d: their amount-weighted days
      past due;
    - the rating A-D of the weighted days late (`payment_rating_bounds`).

    Without expanding customers or items to months: an item enters the
    window on its settlement date and leaves it `behaviour_window_days`
    later, an open item becomes overdue the day after its due date and stops
    being when it is settled; each such event counts from the month it falls
    in, and running sums per customer over the months give every month's
    sums. A month row exists when the customer has a settled item in the
    window or an open overdue item at d. The mart
    fct_ar_payment_behaviour_monthly publishes it; dim_customers takes the
    as-of month's rating from here.

    Incremental (docs/weekly-runs.md): a scheduled run computes again the
    months from the first day of the earliest changed date's month
    (int_weekly__restatement's `item_restate_from_date`) on. No settlement,
    interval or customer attribute changed before it, so the earlier months
    keep their rows, and the sums a customer carries into the first
    recomputed month are the sums of its events before it. -#}
-- depends_on: {{ ref('int_weekly__restatement') }}
{%- set window_days = var('behaviour_window_days') | int %}
{%- set measures = ['settled_count', 'settled_amount', 'late_amount_days', 'on_time_amount',
                    'overdue_count', 'overdue_amount', 'overdue_amount_due_days'] %}
{%- set restated_from_sql = "coalesce(item_restate_from_date, cast('9999-12-31' as date))"
        if is_incremental() else "cast('1900-01-01' as date)" %}
{{ config(
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    meta={'restated_by': 'months'},
    pre_hook="{{ ar_delete_restated_months() }}"
) }}

with

settlements as (
    select * from {{ ref('int_lettering__item_settlements') }}
    where item_side = 'debit' and residual_amount = 0
),

intervals as (
    select * from {{ ref('int_ledger__open_item_intervals') }}
    where item_side = 'debit' and due_date is not null
),

month_ends as (
    select * from {{ ref('int_kpis__month_ends') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

months as (
    select
        month_start_date,
        month_end_date,
        period_end_date,
        is_complete,
        row_number() over (order by month_start_date) as month_index
    from (
        select distinct
            month_start_date,
            month_end_date,
            period_end_date,
            is_complete
        from month_ends
    ) as distinct_months
),

-- the months computed in this build: from `restated_from_date` on (every
-- month in a full build, none when nothing changed)
restated_from_date as (
    select {{ restated_from_sql }} as restated_from_date
    from {{ ref('int_weekly__restatement') }}
),

restated_from as (
    select
        restated_from_date.restated_from_date,
        coalesce(
            min(case when months.month_start_date >= restated_from_date.restated_from_date then months.month_index end),
            max(months.month_index) + 1
        ) as first_month_index
    from restated_from_date
    cross join months
    group by restated_from_date.restated_from_date
),

-- open debit intervals that are overdue at some point: from the day after
-- the due date (or the interval's start, when later) to the interval's end
overdue_intervals as (
    select
        company_code,
        customer_code,
        case
            when valid_from > due_date then valid_from
            else {{ ar_add_days('due_date', 1) }}
        end as overdue_from,
        valid_until as overdue_until,
        open_amount,
        -- the due date as a day number, for the weighted days past due
        {{ ar_days_between(
            "cast('2000-01-01' as date)", 'due_date'
        ) }} as due_day_number
    from intervals
    where valid_until is null or valid_until > {{ ar_add_days('due_date', 1) }}
),

settled_items as (
    select
        company_code,
        customer_code,
        effective_date as settled_on,
        amount,
        case
            when effective_date > due_date then {{ ar_days_between('due_date', 'effective_date') }}
            else 0
        end as days_late,
        case when effective_date <= due_date then amount else 0 end as on_time_amount
    from settlements
),

-- each event changes a customer's sums from the day it happens on
events as (
    -- settled: in the window from its settlement date ...
    select
        company_code,
        customer_code,
        settled_on as event_date,
        1 as settled_count,
        amount as settled_amount,
        amount * days_late as late_amount_days,
        on_time_amount,
        0 as overdue_count,
        0 as overdue_amount,
        0 as overdue_amount_due_days
    from settled_items
    union all
    -- ... until `behaviour_window_days` later
    select
        company_code,
        customer_code,
        {{ ar_add_days('settled_on', window_days) }} as event_date,
        -1 as settled_count,
        -amount as settled_amount,
        -amount * days_late as late_amount_days,
        -on_time_amount as on_time_amount,
        0 as overdue_count,
        0 as overdue_amount,
        0 as overdue_amount_due_days
    from settled_items
    union all
    -- open overdue: from the day after its due date (or its interval's start) ...
    select
        company_code,
        customer_code,
        overdue_from as event_date,
        0 as settled_count,
        0 as settled_amount,
        0 as late_amount_days,
        0 as on_time_amount,
        1 as overdue_count,
        open_amount as overdue_amount,
        open_amount * due_day_number as overdue_amount_due_days
    from overdue_intervals
    union all
    -- ... until the interval ends
    select
        company_code,
        customer_code,
        overdue_until as event_date,
        0 as settled_count,
        0 as settled_amount,
        0 as late_amount_days,
        0 as on_time_amount,
        -1 as overdue_count,
        -open_amount as overdue_amount,
        -open_amount * due_day_number as overdue_amount_due_days
    from overdue_intervals
    where overdue_until is not null
),

-- what each customer carries into the first month computed: its events before it
carried as (
    select
        events.company_code,
        events.customer_code,
        {%- for measure in measures %}
        sum(events.{{ measure }}) as {{ measure }},
        {%- endfor %}
        restated_from.first_month_index - 1 as month_index
    from events
    cross join restated_from
    where events.event_date < restated_from.restated_from_date
    group by events.company_code, events.customer_code, restated_from.first_month_index - 1
),

-- an event counts from its month on (the last month only up to the as-of date)
monthly_changes as (
    select * from carried
    union all
    select
        events.company_code,
        events.customer_code,
        {%- for measure in measures %}
        sum(events.{{ measure }}) as {{ measure }},
        {%- endfor %}
        months.month_index
    from events
    cross join restated_from
    inner join months
        on
            events.event_date >= months.month_start_date
            and events.event_date <= months.period_end_date
    where events.event_date >= restated_from.restated_from_date
    group by events.company_code, events.customer_code, months.month_index
),

levels as (
    select
        company_code,
        customer_code,
        month_index as from_month_index,
        {%- for measure in measures %}
        sum({{ measure }}) over (
            partition by company_code, customer_code
            order by month_index rows between unbounded preceding and current row
        ) as {{ measure }},
        {%- endfor %}
        lead(month_index) over (
            partition by company_code, customer_code order by month_index
        ) as until_month_index
    from monthly_changes
),

customer_months as (
    select
        months.month_start_date,
        months.month_end_date,
        months.period_end_date,
        months.is_complete,
        levels.*
    from levels
    cross join restated_from
    inner join months
        on
            levels.from_month_index <= months.month_index
            and (levels.until_month_index is null or levels.until_month_index > months.month_index)
    where
        (levels.settled_count > 0 or levels.overdue_count > 0)
        and months.month_index >= restated_from.first_month_index
),

measured as (
    select
        customer_months.*,
        case
            when customer_months.overdue_count > 0
                then {{ ar_divide(
                    ar_days_between("cast('2000-01-01' as date)", 'customer_months.period_end_date')
                    ~ ' * customer_months.overdue_amount - customer_months.overdue_amount_due_days',
                    'customer_months.overdue_amount'
                ) }}
        end as open_weighted_days_past_due,
        {{ ar_payment_rating('customer_months.late_amount_days', 'customer_months.settled_amount') }}
            as payment_rating
    from customer_months
)

select
    cast(measured.month_end_date as date) as month_end_date,
    cast(measured.month_start_date as date) as month_start_date,
    cast(measured.company_code as {{ dbt.type_string() }}) as company_code,
    cast(measured.customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(customers.customer_name as {{ dbt.type_string() }}) as customer_name,
    cast(customers.customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(measured.settled_count as integer) as settled_item_count,
    cast(measured.settled_amount as decimal(18, 2)) as settled_amount,
    cast({{ ar_rate('measured.late_amount_days', 'measured.settled_amount') }} as decimal(18, 6))
        as weighted_days_late,
    cast({{ ar_rate('measured.on_time_amount', 'measured.settled_amount') }} as decimal(18, 6)) as on_time_share,
    cast(measured.overdue_count as integer) as open_overdue_item_count,
    cast(measured.overdue_amount as decimal(18, 2)) as open_overdue_amount,
    cast(measured.open_weighted_days_past_due as decimal(18, 6)) as open_weighted_days_past_due,
    cast(measured.payment_rating as {{ dbt.type_string() }}) as payment_rating,
    cast({{ ar_payment_rating_attribute('measured.payment_rating', 'order') }} as integer) as payment_rating_order,
    cast({{ ar_payment_rating_attribute('measured.payment_rating', 'label_fr') }} as {{ dbt.type_string() }})
        as payment_rating_label_fr,
    cast({{ ar_payment_rating_attribute('measured.payment_rating', 'label_en') }} as {{ dbt.type_string() }})
        as payment_rating_label_en,
    cast(measured.period_end_date as date) as measured_until_date,
    cast(measured.is_complete as boolean) as is_complete,
    cast(
        measured.month_start_date = cast({{ dbt.date_trunc('month', 'as_of.as_of_date') }} as date) as boolean
    ) as is_latest
from measured
cross join as_of
left join customers
    on
        measured.company_code = customers.company_code
        and measured.customer_code = customers.customer_code
order by month_end_date, company_code, customer_code
