{#- Cross-database shims: engine-specific SQL behind adapter.dispatch, each
    with a portable default. Models never use engine syntax directly; the
    hooks are in hooks.sql and dbt-spark's seed loader in
    spark_seed_loader.sql. -#}

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

{#- `expr` ordered and compared byte by byte (docs/definitions/00-conventions.md: file names,
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

{#- PostgreSQL has no try_cast: a date string that is not a real date would
    stop the query. The string (YYYY-MM-DD, as ar_parse_date builds it) is
    checked field by field first, with arithmetic that cannot fail; a CASE
    evaluates its branches in order. to_date (stable, unlike a cast) is not
    folded at plan time, so a constant impossible date cannot fail the plan
    either. -#}
{% macro postgres__ar_try_cast_date(expr) -%}
    {%- set y = 'cast(substr(' ~ expr ~ ', 1, 4) as integer)' -%}
    {%- set m = 'cast(substr(' ~ expr ~ ', 6, 2) as integer)' -%}
    {%- set d = 'cast(substr(' ~ expr ~ ', 9, 2) as integer)' -%}
    case
        when not {{ ar_regexp_matches(expr, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }} then null
        when {{ m }} not between 1 and 12 then null
        when {{ d }} not between 1 and case
            when {{ m }} in (4, 6, 9, 11) then 30
            when {{ m }} <> 2 then 31
            when mod({{ y }}, 4) = 0 and (mod({{ y }}, 100) <> 0 or mod({{ y }}, 400) = 0) then 29
            else 28
        end then null
        else to_date({{ expr }}, 'YYYY-MM-DD')
    end
{%- endmacro %}

{#- Spark 4 runs in ANSI mode: a plain cast of '2025-02-30' fails the query
    (and dbt-spark's safe_cast is a plain cast). -#}
{% macro spark__ar_try_cast_date(expr) -%}
    try_cast({{ expr }} as date)
{%- endmacro %}

{#- date + n days / months / years, as a date. dbt.dateadd returns a
    timestamp on some engines, and on Spark it wraps its argument in
    assert_true(... is not null), so a null date (an item with no previous
    snapshot) fails the query instead of giving null. -#}
{% macro ar_date_add(datepart, interval, date_expr) -%}
    {{ return(adapter.dispatch('ar_date_add', 'ar_warehouse')(datepart, interval, date_expr)) }}
{%- endmacro %}

{% macro default__ar_date_add(datepart, interval, date_expr) -%}
    cast({{ dbt.dateadd(datepart, interval, date_expr) }} as date)
{%- endmacro %}

{% macro spark__ar_date_add(datepart, interval, date_expr) -%}
    {%- if datepart == 'day' -%}
        date_add({{ date_expr }}, cast({{ interval }} as int))
    {%- elif datepart == 'month' -%}
        add_months({{ date_expr }}, cast({{ interval }} as int))
    {%- elif datepart == 'year' -%}
        add_months({{ date_expr }}, cast(({{ interval }}) * 12 as int))
    {%- else -%}
        {{ exceptions.raise_compiler_error("ar_date_add: unsupported datepart " ~ datepart) }}
    {%- endif -%}
{%- endmacro %}

{#- Days from start_date to end_date (end - start), null when either is null.
    Same reason as ar_date_add: dbt.datediff asserts non-null dates on Spark. -#}
{% macro ar_days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('ar_days_between', 'ar_warehouse')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__ar_days_between(start_date, end_date) -%}
    {{ dbt.datediff(start_date, end_date, 'day') }}
{%- endmacro %}

{% macro spark__ar_days_between(start_date, end_date) -%}
    datediff({{ end_date }}, {{ start_date }})
{%- endmacro %}

{#- numerator / denominator for ratios (DSO, CEI, rates, utilisation). DuckDB
    divides decimals as doubles and PostgreSQL's numeric division keeps 16+
    significant digits. Spark's decimal division keeps only 6 decimals once
    the operands are wide sums (decimal(38, 2)): 4 / 7 * 100 would be 57.1429
    instead of 57.142857. There both sides become doubles, as on DuckDB.
    Callers guard against a zero denominator. -#}
{% macro ar_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('ar_divide', 'ar_warehouse')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__ar_divide(numerator, denominator) -%}
    ({{ numerator }}) / ({{ denominator }})
{%- endmacro %}

{% macro spark__ar_divide(numerator, denominator) -%}
    (cast({{ numerator }} as double) / cast({{ denominator }} as double))
{%- endmacro %}

{#- A 64-bit integer hash of a row's values, to tell whether something
    changed between two builds (equal values give equal hashes on one engine;
    nulls count as values). Integers, so that hashes can be summed into one
    fingerprint per group of rows (one per dunning extract). -#}
{% macro ar_row_hash(exprs) -%}
    {{ return(adapter.dispatch('ar_row_hash', 'ar_warehouse')(exprs)) }}
{%- endmacro %}

{#- each value as <length>:<text>, a null as ~null~: no two rows concatenate alike -#}
{% macro ar_concat_values(exprs) -%}
    {%- set parts = [] -%}
    {%- for e in exprs -%}
        {%- set text = "cast(" ~ e ~ " as " ~ dbt.type_string() ~ ")" -%}
        {%- do parts.append("coalesce(" ~ dbt.concat(["cast(length(" ~ text ~ ") as " ~ dbt.type_string() ~ ")",
                                                     "':'", text]) ~ ", '~null~')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}

{% macro default__ar_row_hash(exprs) -%}
    hashtextextended({{ ar_concat_values(exprs) }}, 0)
{%- endmacro %}

{% macro duckdb__ar_row_hash(exprs) -%}
    hash({{ exprs | join(', ') }})
{%- endmacro %}

{% macro spark__ar_row_hash(exprs) -%}
    xxhash64({{ ar_concat_values(exprs) }})
{%- endmacro %}

{#- A text constant as an SQL literal, apostrophes included (labels such as
    « clôture de l'exercice »). PostgreSQL and DuckDB double the quote; Spark
    reads 'l''exercice' as two adjacent literals run together ('lexercice')
    and escapes with a backslash instead. -#}
{% macro ar_text_literal(value) -%}
    {{ return(adapter.dispatch('ar_text_literal', 'ar_warehouse')(value)) }}
{%- endmacro %}

{% macro default__ar_text_literal(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__ar_text_literal(value) -%}
    {{ ar_spark_literal(value | string) }}
{%- endmacro %}
