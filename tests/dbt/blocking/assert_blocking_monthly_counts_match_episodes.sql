{#- Every episode is counted in fct_ar_blocking_monthly once when it opens
    (month of blocked_from, with its blocked amount) and once when it is
    lifted (month of blocked_until); on the as-of month the episodes open at
    the end are exactly the ongoing ones. Recomputed from
    fct_ar_blocking_episodes per (month, company, cause). -#}
with

episodes as (
    select
        *,
        cast({{ dbt.date_trunc('month', 'blocked_from') }} as date) as from_month_start_date,
        cast({{ dbt.date_trunc('month', 'blocked_until') }} as date) as until_month_start_date,
        cast({{ dbt.date_trunc('month', 'as_of_date') }} as date) as as_of_month_start_date
    from {{ ref('fct_ar_blocking_episodes') }}
),

monthly as (
    select * from {{ ref('fct_ar_blocking_monthly') }}
),

opened as (
    select
        from_month_start_date as month_start_date,
        company_code,
        blocking_cause,
        count(*) as episodes_opened,
        sum(blocked_amount) as amount_opened
    from episodes
    group by from_month_start_date, company_code, blocking_cause
),

resolved as (
    select
        until_month_start_date as month_start_date,
        company_code,
        blocking_cause,
        count(*) as episodes_resolved
    from episodes
    where blocked_until is not null
    group by until_month_start_date, company_code, blocking_cause
),

ongoing as (
    select
        as_of_month_start_date as month_start_date,
        company_code,
        blocking_cause,
        count(*) as episodes_open_at_end
    from episodes
    where blocked_until is null
    group by as_of_month_start_date, company_code, blocking_cause
),

keys as (
    select
        month_start_date,
        company_code,
        blocking_cause
    from monthly
    union
    select
        month_start_date,
        company_code,
        blocking_cause
    from opened
    union
    select
        month_start_date,
        company_code,
        blocking_cause
    from resolved
    union
    select
        month_start_date,
        company_code,
        blocking_cause
    from ongoing
),

last_months as (
    select
        company_code,
        max(month_start_date) as month_start_date
    from monthly
    group by company_code
)

select
    keys.month_start_date,
    keys.company_code,
    keys.blocking_cause,
    monthly.episodes_opened,
    opened.episodes_opened as expected_opened,
    monthly.episodes_resolved,
    resolved.episodes_resolved as expected_resolved,
    monthly.episodes_open_at_end,
    ongoing.episodes_open_at_end as expected_open_at_end
from keys
left join monthly
    on
        keys.month_start_date = monthly.month_start_date
        and keys.company_code = monthly.company_code
        and keys.blocking_cause = monthly.blocking_cause
left join opened
    on
        keys.month_start_date = opened.month_start_date
        and keys.company_code = opened.company_code
        and keys.blocking_cause = opened.blocking_cause
left join resolved
    on
        keys.month_start_date = resolved.month_start_date
        and keys.company_code = resolved.company_code
        and keys.blocking_cause = resolved.blocking_cause
left join ongoing
    on
        keys.month_start_date = ongoing.month_start_date
        and keys.company_code = ongoing.company_code
        and keys.blocking_cause = ongoing.blocking_cause
left join last_months
    on
        keys.company_code = last_months.company_code
        and keys.month_start_date = last_months.month_start_date
where
    monthly.month_start_date is null
    or monthly.episodes_opened <> coalesce(opened.episodes_opened, 0)
    or monthly.amount_opened <> coalesce(opened.amount_opened, 0)
    or monthly.episodes_resolved <> coalesce(resolved.episodes_resolved, 0)
    or (
        last_months.month_start_date is not null
        and monthly.episodes_open_at_end <> coalesce(ongoing.episodes_open_at_end, 0)
    )
