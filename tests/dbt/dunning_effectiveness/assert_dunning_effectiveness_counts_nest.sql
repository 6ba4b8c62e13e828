{#- The figures of each horizon of DEFINITIONS §12 nest: a document
    evaluated at a longer horizon is evaluated at every shorter one, settled
    documents are evaluated ones, the evaluated base is part of what reached
    the level, nothing collects more than was open (collected <= base, so
    collected_rate <= 1), and the rates are the ratios of their columns. -#}
{%- set horizons = ar_dunning_effect_days() %}

select
    month_start_date,
    company_code,
    collector,
    dunning_level
from {{ ref('fct_ar_dunning_effectiveness_monthly') }}
where
    false
    {%- for n in horizons %}
    or evaluated_{{ n }}d < 0
    or evaluated_{{ n }}d > documents_reaching
    or settled_{{ n }}d < 0
    or settled_{{ n }}d > evaluated_{{ n }}d
    or evaluated_open_at_level_{{ n }}d > open_at_level
    or collected_amount_{{ n }}d > evaluated_open_at_level_{{ n }}d
    or (evaluated_{{ n }}d = 0 and (settled_rate_{{ n }}d is not null or collected_rate_{{ n }}d is not null))
    or (evaluated_{{ n }}d > 0 and abs(settled_rate_{{ n }}d * evaluated_{{ n }}d - settled_{{ n }}d) > 0.0001)
    or settled_rate_{{ n }}d < 0
    or settled_rate_{{ n }}d > 1
    or collected_rate_{{ n }}d > 1
    {%- if not loop.first %}
    or evaluated_{{ n }}d > evaluated_{{ loop.previtem }}d
    {%- endif %}
    {%- endfor %}
