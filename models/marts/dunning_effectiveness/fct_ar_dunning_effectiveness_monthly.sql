{#- Does dunning work? (DEFINITIONS §12, docs/definitions/12-dunning-effectiveness.md)
    For every dunning level a document reaches, what it still owed that day
    and, 15 and 30 days later (`dunning_effect_days`), whether it was paid
    and how much of it was collected; summed per month of the reach date,
    company, collector and level.

    The reaches and their amounts are int_dunning__level_reaches; a
    document with nothing open when it reaches the level says nothing about
    the level's effect and is left out. Day n of a reach counts once it has
    come (reach date + n <= the as-of date). -#}
{{ config(contract={'enforced': ar_default_dunning_effect_days()}) }}
{%- set horizons = ar_dunning_effect_days() %}

with

reaches as (
    select * from {{ ref('int_dunning__level_reaches') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

measured as (
    select
        reaches.company_code,
        reaches.reached_on,
        reaches.collector,
        reaches.dunning_level,
        {%- for n in horizons %}
        {{ ar_add_days('reaches.reached_on', n) }} <= as_of.as_of_date as is_evaluated_{{ n }}d,
        reaches.open_after_{{ n }}d,
        {%- endfor %}
        reaches.open_at_level
    from reaches
    cross join as_of
),

monthly as (
    select
        cast({{ dbt.date_trunc('month', 'reached_on') }} as date) as month_start_date,
        company_code,
        collector,
        dunning_level,
        count(*) as documents_reaching,
        {%- for n in horizons %}
        sum(case when is_evaluated_{{ n }}d then 1 else 0 end) as evaluated_{{ n }}d,
        sum(case when is_evaluated_{{ n }}d and open_after_{{ n }}d = 0 then 1 else 0 end) as settled_{{ n }}d,
        sum(case when is_evaluated_{{ n }}d then open_at_level else 0 end) as evaluated_open_at_level_{{ n }}d,
        sum(
            case when is_evaluated_{{ n }}d then open_at_level - open_after_{{ n }}d else 0 end
        ) as collected_amount_{{ n }}d,
        {%- endfor %}
        sum(open_at_level) as open_at_level
    from measured
    where open_at_level <> 0
    group by
        cast({{ dbt.date_trunc('month', 'reached_on') }} as date),
        company_code,
        collector,
        dunning_level
)

select
    monthly.month_start_date,
    cast({{ dbt.last_day('monthly.month_start_date', 'month') }} as date) as month_end_date,
    cast(monthly.company_code as {{ dbt.type_string() }}) as company_code,
    cast(monthly.collector as {{ dbt.type_string() }}) as collector,
    cast(monthly.dunning_level as integer) as dunning_level,
    cast(
        {{ dbt.concat(["'Relance niveau '", 'cast(monthly.dunning_level as ' ~ dbt.type_string() ~ ')']) }}
        as {{ dbt.type_string() }}
    ) as dunning_level_label_fr,
    cast(
        {{ dbt.concat(["'Dunning level '", 'cast(monthly.dunning_level as ' ~ dbt.type_string() ~ ')']) }}
        as {{ dbt.type_string() }}
    ) as dunning_level_label_en,
    cast(monthly.documents_reaching as integer) as documents_reaching,
    cast(monthly.open_at_level as decimal(18, 2)) as open_at_level,
    {%- for n in horizons %}
    cast(monthly.evaluated_{{ n }}d as integer) as evaluated_{{ n }}d,
    cast(monthly.settled_{{ n }}d as integer) as settled_{{ n }}d,
    cast(
        {{ ar_rate('cast(monthly.settled_' ~ n ~ 'd as decimal(18, 6))', 'monthly.evaluated_' ~ n ~ 'd') }}
        as decimal(18, 6)
    ) as settled_rate_{{ n }}d,
    cast(monthly.evaluated_open_at_level_{{ n }}d as decimal(18, 2)) as evaluated_open_at_level_{{ n }}d,
    cast(monthly.collected_amount_{{ n }}d as decimal(18, 2)) as collected_amount_{{ n }}d,
    cast(
        {{ ar_rate('monthly.collected_amount_' ~ n ~ 'd', 'monthly.evaluated_open_at_level_' ~ n ~ 'd') }}
        as decimal(18, 6)
    ) as collected_rate_{{ n }}d,
    {%- endfor %}
    cast({{ dbt.last_day('monthly.month_start_date', 'month') }} <= as_of.as_of_date as boolean) as is_complete
from monthly
cross join as_of
order by monthly.month_start_date, company_code, collector, dunning_level
