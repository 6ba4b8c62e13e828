{#- Fiscal years of the statutory payment-delay tables (DEFINITIONS §16). -#}

{#- The `fiscal_year_end` var ('MM-DD') checked: a real month-day, '02-29'
    included (it stands for the last day of February of every year). Returns
    [month, day] as integers; anything else stops the compilation with a
    message naming the var. -#}
{% macro ar_fiscal_year_end_month_day() -%}
    {%- set raw = var('fiscal_year_end') | string | trim -%}
    {%- set parts = raw.split('-') -%}
    {%- set days_in_month = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {%- if parts | length != 2 or parts[0] | length != 2 or parts[1] | length != 2
        or not parts[0].isdigit() or not parts[1].isdigit() -%}
        {{ exceptions.raise_compiler_error("var fiscal_year_end must be 'MM-DD' (for example '12-31'), got '" ~ raw ~ "'") }}
    {%- endif -%}
    {%- set month = parts[0] | int -%}
    {%- set day = parts[1] | int -%}
    {%- if month < 1 or month > 12 or day < 1 or day > days_in_month[month - 1] -%}
        {{ exceptions.raise_compiler_error("var fiscal_year_end is not a month-day of the calendar: '" ~ raw ~ "'") }}
    {%- endif -%}
    {{ return([month, day]) }}
{%- endmacro %}

{#- The fiscal year end of calendar year `year_expr` (an integer expression),
    as a date. Counted in whole years from the same month-day of 2000, a leap
    year, so that '02-29' lands on 29 February in leap years and on
    28 February otherwise (every engine clamps a year step to the month's
    last day), and any other month-day is that date of the year. -#}
{% macro ar_fiscal_year_end_of(year_expr) -%}
    {%- set month_day = ar_fiscal_year_end_month_day() -%}
    {%- set anchor = "cast('2000-%02d-%02d' as date)" | format(month_day[0], month_day[1]) -%}
    {{ ar_date_add('year', '(' ~ year_expr ~ ') - 2000', anchor) }}
{%- endmacro %}
