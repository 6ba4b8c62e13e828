{#- Engine-specific SQL lives here, behind adapter.dispatch, each with a
    portable default. Models never use engine syntax directly. -#}

{#- true when the whole of `expr` matches the regular expression `pattern`
    (a pattern without anchors: the macro anchors it) -#}
{% macro ar_regexp_matches(expr, pattern) -%}
    {{ return(adapter.dispatch('ar_regexp_matches', 'ar_warehouse')(expr, pattern)) }}
{%- endmacro %}

{% macro default__ar_regexp_matches(expr, pattern) -%}
    regexp_like({{ expr }}, '^({{ pattern }})$')
{%- endmacro %}

{% macro duckdb__ar_regexp_matches(expr, pattern) -%}
    regexp_full_match({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__ar_regexp_matches(expr, pattern) -%}
    ({{ expr }} ~ '^({{ pattern }})$')
{%- endmacro %}

{% macro spark__ar_regexp_matches(expr, pattern) -%}
    ({{ expr }} rlike '^({{ pattern }})$')
{%- endmacro %}

{#- `expr` ordered and compared byte by byte (DEFINITIONS §0: file names,
    lettering codes, entry ids). DuckDB and Spark compare strings as bytes
    already; Postgres needs the C collation. -#}
{% macro ar_bytewise(expr) -%}
    {{ return(adapter.dispatch('ar_bytewise', 'ar_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__ar_bytewise(expr) -%}
    {{ expr }}
{%- endmacro %}

{% macro postgres__ar_bytewise(expr) -%}
    ({{ expr }} collate "C")
{%- endmacro %}

{#- A 'YYYY-MM-DD' string to a date; null when it is not a real date
    (2025-02-30, 2025-13-01). dbt.safe_cast is a plain cast (an error) on
    most adapters, DuckDB included. The portable default builds the first of
    the month, adds the days, and accepts the date only if it stayed in that
    month; nested CASEs keep engines from casting what did not match. -#}
{% macro ar_try_cast_date(expr) -%}
    {{ return(adapter.dispatch('ar_try_cast_date', 'ar_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__ar_try_cast_date(expr) -%}
    case
        when {{ ar_regexp_matches(expr, '[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])') }}
            then
                case
                    when extract(month from {{ dbt.dateadd(
                        'day',
                        'cast(substr(' ~ expr ~ ', 9, 2) as integer) - 1',
                        'cast(' ~ dbt.concat(['substr(' ~ expr ~ ', 1, 8)', "'01'"]) ~ ' as date)'
                    ) }}) = cast(substr({{ expr }}, 6, 2) as integer)
                        then cast({{ expr }} as date)
                end
    end
{%- endmacro %}

{% macro duckdb__ar_try_cast_date(expr) -%}
    try_cast({{ expr }} as date)
{%- endmacro %}

