{#- Blocking causes over time, per company, cause and month (docs/definitions/11-blocking-episodes.md):
    the episodes that
    began in the month and what they blocked, those lifted in the month and
    how long they had lasted, and those still open at the month's end — the
    as-of date for the as-of month — with what their documents still owed
    then and how old they were. Every month from the company's first
    dunning extract to the as-of month has a row for each cause the company
    has had an episode of (zeros, null averages, when nothing happened). -#}
with

episodes as (
    select * from {{ ref('int_blocking__episodes') }}
),

dunning_rows as (
    select * from {{ ref('int_documents__dunning_rows') }}
),

open_debits as (
    select * from {{ ref('int_documents__open_debit_intervals') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

cause_labels as (
    select * from {{ ref('ar_blocking_causes') }}
),

integers as (
    {{ ar_integers(4) }}
),

company_ranges as (
    select
        dunning_rows.company_code,
        cast({{ dbt.date_trunc('month', 'min(dunning_rows.extracted_at)') }} as date) as first_month_start_date,
        cast({{ dbt.date_trunc('month', 'max(as_of.as_of_date)') }} as date) as last_month_start_date
    from dunning_rows
    cross join as_of
    group by dunning_rows.company_code
),

company_months as (
    {{ ar_company_months('company_ranges') }}
),

company_causes as (
    select distinct
        company_code,
        blocking_cause
    from episodes
),

spine as (
    select
        company_months.company_code,
        company_causes.blocking_cause,
        company_months.month_start_date,
        cast({{ dbt.last_day('company_months.month_start_date', 'month') }} as date) as month_end_date
    from company_months
    inner join company_causes
        on company_months.company_code = company_causes.company_code
),

months as (
    select
        spine.*,
        case
            when spine.month_end_date <= as_of.as_of_date then spine.month_end_date
            else as_of.as_of_date
        end as period_end_date,
        spine.month_end_date <= as_of.as_of_date as is_complete
    from spine
    cross join as_of
),

opened as (
    select
        months.company_code,
        months.blocking_cause,
        months.month_start_date,
        count(*) as episodes_opened,
        sum(episodes.blocked_amount) as amount_opened
    from months
    inner join episodes
        on
            months.company_code = episodes.company_code
            and months.blocking_cause = episodes.blocking_cause
            and months.month_start_date <= episodes.blocked_from
            and months.period_end_date >= episodes.blocked_from
    group by months.company_code, months.blocking_cause, months.month_start_date
),

resolved as (
    select
        months.company_code,
        months.blocking_cause,
        months.month_start_date,
        count(*) as episodes_resolved,
        sum(episodes.resolution_days) as resolution_days
    from months
    inner join episodes
        on
            months.company_code = episodes.company_code
            and months.blocking_cause = episodes.blocking_cause
            and months.month_start_date <= episodes.blocked_until
            and months.period_end_date >= episodes.blocked_until
    group by months.company_code, months.blocking_cause, months.month_start_date
),

-- episodes begun by the month's end and not lifted by then
open_at_end as (
    select
        months.company_code,
        months.blocking_cause,
        months.month_start_date,
        count(*) as episodes_open_at_end,
        sum(coalesce(open_debits.open_debit_amount, 0)) as blocked_amount_at_end,
        sum({{ ar_days_between('episodes.blocked_from', 'months.period_end_date') }}) as open_age_days
    from months
    inner join episodes
        on
            months.company_code = episodes.company_code
            and months.blocking_cause = episodes.blocking_cause
            and months.period_end_date >= episodes.blocked_from
            and (episodes.blocked_until is null or months.period_end_date < episodes.blocked_until)
    left join open_debits
        on
            episodes.company_code = open_debits.company_code
            and episodes.customer_code = open_debits.customer_code
            and episodes.document_number = open_debits.document_number
            and {{ ar_valid_on('open_debits', 'months.period_end_date') }}
    group by months.company_code, months.blocking_cause, months.month_start_date
)

select
    cast(months.month_start_date as date) as month_start_date,
    cast(months.month_end_date as date) as month_end_date,
    cast(months.period_end_date as date) as measured_until_date,
    cast(months.company_code as {{ dbt.type_string() }}) as company_code,
    cast(months.blocking_cause as {{ dbt.type_string() }}) as blocking_cause,
    cast(cause_labels.sort_order as integer) as blocking_cause_order,
    cast(cause_labels.label_fr as {{ dbt.type_string() }}) as blocking_cause_label_fr,
    cast(cause_labels.label_en as {{ dbt.type_string() }}) as blocking_cause_label_en,
    cast(coalesce(opened.episodes_opened, 0) as integer) as episodes_opened,
    cast(coalesce(opened.amount_opened, 0) as decimal(18, 2)) as amount_opened,
    cast(coalesce(resolved.episodes_resolved, 0) as integer) as episodes_resolved,
    cast(
        case
            when resolved.episodes_resolved > 0
                then {{ ar_divide(
                    'cast(resolved.resolution_days as decimal(18, 6))',
                    'resolved.episodes_resolved'
                ) }}
        end as decimal(18, 6)
    ) as avg_resolution_days,
    cast(coalesce(open_at_end.episodes_open_at_end, 0) as integer) as episodes_open_at_end,
    cast(coalesce(open_at_end.blocked_amount_at_end, 0) as decimal(18, 2)) as blocked_amount_at_end,
    cast(
        case
            when open_at_end.episodes_open_at_end > 0
                then {{ ar_divide(
                    'cast(open_at_end.open_age_days as decimal(18, 6))',
                    'open_at_end.episodes_open_at_end'
                ) }}
        end as decimal(18, 6)
    ) as avg_open_age_days,
    cast(months.is_complete as boolean) as is_complete
from months
left join opened
    on
        months.company_code = opened.company_code
        and months.blocking_cause = opened.blocking_cause
        and months.month_start_date = opened.month_start_date
left join resolved
    on
        months.company_code = resolved.company_code
        and months.blocking_cause = resolved.blocking_cause
        and months.month_start_date = resolved.month_start_date
left join open_at_end
    on
        months.company_code = open_at_end.company_code
        and months.blocking_cause = open_at_end.blocking_cause
        and months.month_start_date = open_at_end.month_start_date
left join cause_labels
    on months.blocking_cause = cause_labels.blocking_cause
