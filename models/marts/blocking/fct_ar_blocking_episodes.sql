{#- One row per blocking episode (docs/definitions/11-blocking-episodes.md):
    a document blocked by one
    cause over consecutive extracts of its company, from when to when, for
    how much, and how it ended, with FR / EN labels. -#}
with

episodes as (
    select * from {{ ref('int_blocking__episodes') }}
),

causes as (
    select * from {{ ref('ar_blocking_causes') }}
),

outcomes as (
    select * from {{ ref('ar_blocking_episode_outcomes') }}
),

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
)

select
    cast(episodes.company_code as {{ dbt.type_string() }}) as company_code,
    cast(episodes.customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(episodes.document_number as {{ dbt.type_string() }}) as document_number,
    cast(episodes.blocking_cause as {{ dbt.type_string() }}) as blocking_cause,
    cast(episodes.blocked_from as date) as blocked_from,
    cast(episodes.blocked_until as date) as blocked_until,
    cast(causes.sort_order as integer) as blocking_cause_order,
    cast(causes.label_fr as {{ dbt.type_string() }}) as blocking_cause_label_fr,
    cast(causes.label_en as {{ dbt.type_string() }}) as blocking_cause_label_en,
    cast(customers.customer_name as {{ dbt.type_string() }}) as customer_name,
    cast(episodes.collector as {{ dbt.type_string() }}) as collector,
    cast(episodes.blocked_through as date) as blocked_through,
    cast(episodes.extract_count as integer) as extract_count,
    cast(episodes.blocked_amount as decimal(18, 2)) as blocked_amount,
    cast(episodes.resolution_days as integer) as resolution_days,
    cast(
        {{ ar_days_between(
            'episodes.blocked_from',
            'coalesce(episodes.blocked_until, as_of.as_of_date)'
        ) }} as integer
    ) as days_blocked,
    cast(episodes.episode_outcome as {{ dbt.type_string() }}) as episode_outcome,
    cast(outcomes.sort_order as integer) as episode_outcome_order,
    cast(outcomes.label_fr as {{ dbt.type_string() }}) as episode_outcome_label_fr,
    cast(outcomes.label_en as {{ dbt.type_string() }}) as episode_outcome_label_en,
    cast(episodes.is_ongoing as boolean) as is_ongoing,
    cast(as_of.as_of_date as date) as as_of_date
from episodes
cross join as_of
left join causes
    on episodes.blocking_cause = causes.blocking_cause
left join outcomes
    on episodes.episode_outcome = outcomes.episode_outcome
left join customers
    on
        episodes.company_code = customers.company_code
        and episodes.customer_code = customers.customer_code
