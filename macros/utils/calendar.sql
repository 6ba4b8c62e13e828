{#- Portable calendar arithmetic (engine specifics are in cross_db.sql). -#}

{#- ISO weekday (1 = Monday ... 7 = Sunday): 1900-01-01 was a Monday. -#}
{% macro ar_iso_weekday(date_expr) -%}
    (mod({{ ar_days_between("cast('1900-01-01' as date)", date_expr) }}, 7) + 1)
{%- endmacro %}

{#- date + n days, as a date -#}
{% macro ar_add_days(date_expr, days) -%}
    {{ ar_date_add('day', days, date_expr) }}
{%- endmacro %}

{#- 0 .. 10^digits - 1, as a relation with one column `n` -#}
{% macro ar_integers(digits) -%}
    select
        {%- for i in range(digits) %}
        d{{ i }}.n * {{ 10 ** i }}{{ ' +' if not loop.last }}
        {%- endfor %} as n
    from
        {%- for i in range(digits) %}
        {{ 'cross join ' if not loop.first }}(
            {%- for v in range(10) %}
            select {{ v }} as n{{ ' union all' if not loop.last }}
            {%- endfor %}
        ) as d{{ i }}
        {%- endfor %}
{%- endmacro %}
