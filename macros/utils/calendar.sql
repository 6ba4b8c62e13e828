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

{#- The months of each company from `first_month_start_date` to
    `last_month_start_date` of the CTE `ranges` (one row per company), as
    (company_code, month_start_date); needs a CTE `integers` (ar_integers)
    with at least as many numbers as months. -#}
{% macro ar_company_months(ranges) -%}
    select
        {{ ranges }}.company_code,
        {{ ar_date_add('month', 'integers.n', ranges ~ '.first_month_start_date') }} as month_start_date
    from {{ ranges }}
    cross join integers
    where
        integers.n <= (
            extract(year from {{ ranges }}.last_month_start_date) * 12
            + extract(month from {{ ranges }}.last_month_start_date)
        ) - (
            extract(year from {{ ranges }}.first_month_start_date) * 12
            + extract(month from {{ ranges }}.first_month_start_date)
        )
{%- endmacro %}
