{#- The month's collection day by day (docs/definitions/07-collection-rate.md), per company and
    collector: on each day t of the month (up to the as-of date), what the
    target items have been collected by t against the month's amount to
    collect, so the rate climbs through the month to the monthly rate on its
    last day. Each target item brings one event (the day its lettering group
    takes effect); the collected amount to date is a running sum of those
    events over the days, never items x days. -#}
with

monthly_items as (
    select * from {{ ref('int_collection__monthly_items') }}
    where item_role = 'collection_target'
),

days as (
    select * from {{ ref('int_calendar__days') }}
),

to_collect as (
    select
        month_start_date,
        measured_until_date,
        company_code,
        collector,
        sum(base_amount) as amount_to_collect
    from monthly_items
    group by month_start_date, measured_until_date, company_code, collector
),

collected_by_day as (
    select
        month_start_date,
        company_code,
        collector,
        settled_date,
        sum(settled_amount) as collected_amount
    from monthly_items
    where settled_date is not null
    group by month_start_date, company_code, collector, settled_date
),

daily as (
    select
        days.date_day,
        to_collect.month_start_date,
        to_collect.company_code,
        to_collect.collector,
        to_collect.amount_to_collect,
        coalesce(collected_by_day.collected_amount, 0) as amount_collected_on_day
    from to_collect
    inner join days
        on days.date_day between to_collect.month_start_date and to_collect.measured_until_date
    left join collected_by_day
        on
            to_collect.month_start_date = collected_by_day.month_start_date
            and to_collect.company_code = collected_by_day.company_code
            and to_collect.collector = collected_by_day.collector
            and days.date_day = collected_by_day.settled_date
),

running as (
    select
        *,
        sum(amount_collected_on_day) over (
            partition by month_start_date, company_code, collector
            order by date_day
            rows between unbounded preceding and current row
        ) as amount_collected_to_date
    from daily
)

select
    cast(date_day as date) as date_day,
    cast(company_code as {{ dbt.type_string() }}) as company_code,
    cast(collector as {{ dbt.type_string() }}) as collector,
    cast(month_start_date as date) as month_start_date,
    cast(amount_to_collect as decimal(18, 2)) as amount_to_collect,
    cast(amount_collected_on_day as decimal(18, 2)) as amount_collected_on_day,
    cast(amount_collected_to_date as decimal(18, 2)) as amount_collected_to_date,
    cast({{ ar_rate('amount_collected_to_date', 'amount_to_collect') }} as decimal(18, 6))
        as collection_rate_to_date,
    cast(amount_to_collect - amount_collected_to_date as decimal(18, 2)) as remaining_to_collect
from running
order by date_day, company_code, collector
