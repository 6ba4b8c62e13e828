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

{#- a date string 'YYYY-MM-DD' to a date, null when it is not a real date
    (2025-02-30). dbt.safe_cast is a plain cast on engines without try_cast. -#}
{% macro ar_try_cast_date(expr) -%}
    {{ return(adapter.dispatch('ar_try_cast_date', 'ar_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__ar_try_cast_date(expr) -%}
    {{ dbt.safe_cast(expr, api.Column.translate_type('date')) }}
{%- endmacro %}

{#- dbt-duckdb has no safe_cast of its own: dbt's default is a plain cast,
    which fails the whole build on an impossible date instead of
    quarantining the row -#}
{% macro duckdb__ar_try_cast_date(expr) -%}
    try_cast({{ expr }} as date)
{%- endmacro %}
