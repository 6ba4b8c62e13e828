{#- Typing of landed text, common to every staging model. Each parser returns
    null when the text is not a valid value; the staging model turns that
    null into a quarantine reason (see ar_row_problems). -#}

{#- trimmed text, null when empty -#}
{% macro ar_clean_text(expr) -%}
    nullif(trim({{ expr }}), '')
{%- endmacro %}

{#- canonical form of a raw code before it is looked up in a mapping seed -#}
{% macro ar_code_key(expr) -%}
    lower(trim({{ expr }}))
{%- endmacro %}

{#- Dates: YYYY-MM-DD (an exported time part is ignored), DD/MM/YYYY or
    YYYYMMDD, years 1900-2199. -#}
{% macro ar_parse_date(expr) -%}
    case
        when {{ ar_regexp_matches(expr, '(19|2[01])[0-9]{2}-[0-9]{2}-[0-9]{2}([ T][0-9:.]*)?') }}
            then {{ ar_try_cast_date('substr(' ~ expr ~ ', 1, 10)') }}
        when {{ ar_regexp_matches(expr, '[0-9]{2}/[0-9]{2}/(19|2[01])[0-9]{2}') }}
            then {{ ar_try_cast_date(dbt.concat([
                'substr(' ~ expr ~ ', 7, 4)', "'-'", 'substr(' ~ expr ~ ', 4, 2)', "'-'", 'substr(' ~ expr ~ ', 1, 2)'
            ])) }}
        when {{ ar_regexp_matches(expr, '(19|2[01])[0-9]{6}') }}
            then {{ ar_try_cast_date(dbt.concat([
                'substr(' ~ expr ~ ', 1, 4)', "'-'", 'substr(' ~ expr ~ ', 5, 2)', "'-'", 'substr(' ~ expr ~ ', 7, 2)'
            ])) }}
    end
{%- endmacro %}

{#- A decimal number with `.` or `,` as decimal separator (thousands
    separators are not used, so either is unambiguous), at most 15 integer
    digits and at most `scale` significant decimals. -#}
{% macro ar_is_number(expr) -%}
    {{ ar_regexp_matches(expr, '[+-]?([0-9]{1,15}([.,][0-9]*)?|[.,][0-9]+)') }}
{%- endmacro %}

{% macro ar_has_excess_decimals(expr, scale=2) -%}
    {{ ar_regexp_matches(expr, '.*[.,][0-9]{' ~ scale ~ '}[0-9]*[1-9]') }}
{%- endmacro %}

{% macro ar_parse_decimal(expr, scale=2) -%}
    case
        when {{ ar_is_number(expr) }} and not {{ ar_has_excess_decimals(expr, scale) }}
            then cast(replace({{ expr }}, ',', '.') as decimal(18, {{ scale }}))
    end
{%- endmacro %}

{% macro ar_parse_integer(expr) -%}
    case
        when {{ ar_regexp_matches(expr, '[+-]?[0-9]{1,9}') }}
            then cast({{ expr }} as integer)
    end
{%- endmacro %}

{#- Why a non-empty raw number did not parse, for the quarantine reason -#}
{% macro ar_number_problem(expr, scale=2) -%}
    case
        when not {{ ar_is_number(expr) }}
            then 'not a number (digits with . or , as decimal separator, no thousands separator)'
        else 'more than {{ scale }} decimals'
    end
{%- endmacro %}
