{#- Promises to pay per company, collector and month of the promised date
    (docs/definitions/10-promises.md): how many were
    made for the month, for what target, how they turned out, and the two
    rates over the promises already judged (pending ones are counted, not
    rated). Every month from the company's first to its last promised month
    has a row for each of its collectors with promises (zeros, null rates,
    when the collector had none that month). -#}
with

promises as (
    select
        *,
        cast({{ dbt.date_trunc('month', 'promised_date') }} as date) as month_start_date
    from {{ ref('int_promises__evaluated') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

integers as (
    {{ ar_integers(4) }}
),

company_ranges as (
    select
        company_code,
        min(month_start_date) as first_month_start_date,
        max(month_start_date) as last_month_start_date
    from promises
    group by company_code
),

company_months as (
    {{ ar_company_months('company_ranges') }}
),

collectors as (
    select distinct
        company_code,
        collector
    from promises
),

spine as (
    select
        company_months.company_code,
        collectors.collector,
        company_months.month_start_date
    from company_months
    inner join collectors
        on company_months.company_code = collectors.company_code
),

figures as (
    select
        company_code,
        collector,
        month_start_date,
        count(*) as promise_count,
        sum(target_amount) as target_amount,
        sum(case when outcome = 'kept' then 1 else 0 end) as kept_count,
        sum(case when outcome = 'partially_kept' then 1 else 0 end) as partially_kept_count,
        sum(case when outcome = 'broken' then 1 else 0 end) as broken_count,
        sum(case when outcome = 'pending' then 1 else 0 end) as pending_count,
        sum(case when outcome <> 'pending' then target_amount else 0 end) as evaluated_target_amount,
        sum(case when outcome <> 'pending' then collected_within_target else 0 end) as evaluated_collected_amount
    from promises
    group by company_code, collector, month_start_date
),

filled as (
    select
        spine.month_start_date,
        cast({{ dbt.last_day('spine.month_start_date', 'month') }} as date) as month_end_date,
        spine.company_code,
        spine.collector,
        coalesce(figures.promise_count, 0) as promise_count,
        coalesce(figures.target_amount, 0) as target_amount,
        coalesce(figures.kept_count, 0) as kept_count,
        coalesce(figures.partially_kept_count, 0) as partially_kept_count,
        coalesce(figures.broken_count, 0) as broken_count,
        coalesce(figures.pending_count, 0) as pending_count,
        coalesce(figures.evaluated_target_amount, 0) as evaluated_target_amount,
        coalesce(figures.evaluated_collected_amount, 0) as evaluated_collected_amount
    from spine
    left join figures
        on
            spine.company_code = figures.company_code
            and spine.collector = figures.collector
            and spine.month_start_date = figures.month_start_date
)

select
    cast(filled.month_start_date as date) as month_start_date,
    cast(filled.month_end_date as date) as month_end_date,
    cast(filled.company_code as {{ dbt.type_string() }}) as company_code,
    cast(filled.collector as {{ dbt.type_string() }}) as collector,
    cast(filled.promise_count as integer) as promise_count,
    cast(filled.target_amount as decimal(18, 2)) as target_amount,
    cast(filled.kept_count as integer) as kept_count,
    cast(filled.partially_kept_count as integer) as partially_kept_count,
    cast(filled.broken_count as integer) as broken_count,
    cast(filled.pending_count as integer) as pending_count,
    cast(filled.kept_count + filled.partially_kept_count + filled.broken_count as integer) as evaluated_count,
    cast(filled.evaluated_target_amount as decimal(18, 2)) as evaluated_target_amount,
    cast(filled.evaluated_collected_amount as decimal(18, 2)) as evaluated_collected_amount,
    cast(
        {{ ar_rate(
            'cast(filled.kept_count as decimal(18, 6))',
            'filled.kept_count + filled.partially_kept_count + filled.broken_count'
        ) }} as decimal(18, 6)
    ) as promise_kept_rate,
    cast(
        {{ ar_rate('filled.evaluated_collected_amount', 'filled.evaluated_target_amount') }} as decimal(18, 6)
    ) as promised_amount_collected_rate,
    filled.month_end_date <= as_of.as_of_date as is_complete
from filled
cross join as_of
