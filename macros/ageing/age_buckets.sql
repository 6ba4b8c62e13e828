{#- The age buckets, all derived from the `age_bucket_bounds` var
    (docs/definitions/03-ageing.md). With [30, 60, 90, 120]:
      not_due (<= 0), overdue_1_30, overdue_31_60, overdue_61_90,
      overdue_91_120, overdue_over_120 (> 120), unapplied (open credits).
    Returns a list of dicts: code, order, kind, lo, hi (days past due,
    inclusive; none when unbounded). -#}
{% macro ar_age_buckets() -%}
    {%- set bounds = var('age_bucket_bounds') | map('int') | list -%}
    {%- if bounds | length == 0 or bounds != bounds | sort or bounds[0] < 1 or bounds | unique | list | length != bounds | length -%}
        {{ exceptions.raise_compiler_error("var age_bucket_bounds must be increasing positive day counts, got " ~ bounds) }}
    {%- endif -%}
    {%- set buckets = [{'code': 'not_due', 'order': 1, 'kind': 'not_due', 'lo': none, 'hi': 0}] -%}
    {%- set lo = namespace(value=1) -%}
    {%- for bound in bounds -%}
        {%- do buckets.append({'code': 'overdue_' ~ lo.value ~ '_' ~ bound, 'order': loop.index + 1,
                               'kind': 'overdue_range', 'lo': lo.value, 'hi': bound}) -%}
        {%- set lo.value = bound + 1 -%}
    {%- endfor -%}
    {%- do buckets.append({'code': 'overdue_over_' ~ bounds[-1], 'order': bounds | length + 2,
                           'kind': 'overdue_over', 'lo': bounds[-1] + 1, 'hi': none}) -%}
    {%- do buckets.append({'code': 'unapplied', 'order': bounds | length + 3, 'kind': 'unapplied',
                           'lo': none, 'hi': none}) -%}
    {{ return(buckets) }}
{%- endmacro %}

{#- true when the bounds are the contract's default, so the wide marts have
    exactly the bucket columns their yml contract lists -#}
{% macro ar_default_bucket_bounds() -%}
    {{ return((var('age_bucket_bounds') | map('int') | list) == [30, 60, 90, 120]) }}
{%- endmacro %}

{#- Bucket of an open item: credits (amount < 0) are unapplied, debits are
    aged by days past due. `attribute` is 'code' or 'order'. -#}
{% macro ar_age_bucket(days_past_due, amount, attribute='code') -%}
    {%- set quote = "'" if attribute == 'code' else "" -%}
    case
        {%- for b in ar_age_buckets() %}
            {%- if b.kind == 'unapplied' %}
        when {{ amount }} < 0 then {{ quote }}{{ b[attribute] }}{{ quote }}
            {%- elif b.kind == 'not_due' %}
        when {{ days_past_due }} <= 0 then {{ quote }}{{ b[attribute] }}{{ quote }}
            {%- elif b.kind == 'overdue_range' %}
        when {{ days_past_due }} <= {{ b.hi }} then {{ quote }}{{ b[attribute] }}{{ quote }}
            {%- else %}
        when {{ days_past_due }} > {{ b.lo - 1 }} then {{ quote }}{{ b[attribute] }}{{ quote }}
            {%- endif %}
        {%- endfor %}
    end
{%- endmacro %}

{#- A bucket label from its template (seeds/ar_age_bucket_labels.csv):
    {lo} / {hi} are the bucket's day range, {bound} the last bound (for the
    "over" bucket). Expects columns min_days_past_due / max_days_past_due. -#}
{% macro ar_age_bucket_label(template) -%}
    replace(
        replace(
            replace(
                {{ template }},
                '{lo}',
                coalesce(cast(min_days_past_due as {{ dbt.type_string() }}), '')
            ),
            '{hi}',
            coalesce(cast(max_days_past_due as {{ dbt.type_string() }}), '')
        ),
        '{bound}',
        coalesce(cast(min_days_past_due - 1 as {{ dbt.type_string() }}), '')
    )
{%- endmacro %}
