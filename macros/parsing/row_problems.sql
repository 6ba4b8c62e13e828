{#- Quarantine bookkeeping for a staging model.

    `checks` is a list of dicts, in the order they should be reported:
      column: name of the offending column (a literal), or
      column_sql: a SQL expression giving it (for row-level checks);
      when:   SQL condition that is true when the row has this problem;
      value:  SQL expression of the raw value to show (default: the column);
      reason: literal reason, or reason_sql: a SQL expression.

    It yields problem_column, problem_value, problem_reason (the first problem),
    problem_count and problems (every problem, '; '-separated), so a person
    sees the first thing to fix and everything that is wrong. -#}
{% macro ar_row_problems(checks) -%}
    {%- set max_value_length = 200 -%}
    case
    {%- for c in checks %}
        when {{ c.when }} then {{ c.column_sql if c.column_sql else "'" ~ c.column ~ "'" }}
    {%- endfor %}
    end as problem_column,
    case
    {%- for c in checks %}
        when {{ c.when }} then substr(cast({{ c.value if c.value else c.column }} as {{ dbt.type_string() }}), 1, {{ max_value_length }})
    {%- endfor %}
    end as problem_value,
    case
    {%- for c in checks %}
        when {{ c.when }} then {{ c.reason_sql if c.reason_sql else "'" ~ c.reason | replace("'", "''") ~ "'" }}
    {%- endfor %}
    end as problem_reason,
    (
    {%- for c in checks %}
        case when {{ c.when }} then 1 else 0 end{{ ' +' if not loop.last }}
    {%- endfor %}
    ) as problem_count,
    concat_ws('; '
    {%- for c in checks %},
        case when {{ c.when }} then {{ dbt.concat([
            c.column_sql if c.column_sql else "'" ~ c.column ~ "'",
            "': '",
            c.reason_sql if c.reason_sql else "'" ~ c.reason | replace("'", "''") ~ "'"
        ]) }} end
    {%- endfor %}
    ) as problems
{%- endmacro %}

{#- The checks every landed row gets, whatever its source: a row the parser
    could not split into the header's fields, and a field holding bytes that
    were not valid in the file's encoding. -#}
{% macro ar_landing_checks() -%}
    {{ return([
        {'column': 'row', 'when': 'structure_error is not null', 'value': 'structure_error',
         'reason': 'malformed CSV row (wrong number of fields or broken quoting)'},
        {'column_sql': 'encoding_error_column', 'when': 'encoding_error_column is not null',
         'value': 'encoding_error_column', 'reason': 'invalid byte for the file encoding (shown as U+FFFD)'},
    ]) }}
{%- endmacro %}

{#- Required value missing -#}
{% macro ar_check_required(column, raw_column=none) -%}
    {{ return({'column': column, 'when': (raw_column or column) ~ ' is null',
               'value': "''", 'reason': 'missing required value'}) }}
{%- endmacro %}

{#- A raw date that did not parse -#}
{% macro ar_check_date(column) -%}
    {{ return({'column': column, 'when': column ~ '_raw is not null and ' ~ column ~ ' is null',
               'value': column ~ '_raw',
               'reason': 'not a valid date (expected YYYY-MM-DD, DD/MM/YYYY or YYYYMMDD)'}) }}
{%- endmacro %}

{#- A raw number that did not parse -#}
{% macro ar_check_number(column, scale=2) -%}
    {{ return({'column': column, 'when': column ~ '_raw is not null and ' ~ column ~ ' is null',
               'value': column ~ '_raw', 'reason_sql': ar_number_problem(column ~ '_raw', scale)}) }}
{%- endmacro %}

{#- A raw integer that did not parse -#}
{% macro ar_check_integer(column) -%}
    {{ return({'column': column, 'when': column ~ '_raw is not null and ' ~ column ~ ' is null',
               'value': column ~ '_raw', 'reason': 'not a whole number'}) }}
{%- endmacro %}

{#- A text longer than the max_text_length var -#}
{% macro ar_check_length(column) -%}
    {{ return({'column': column,
               'when': 'length(' ~ column ~ ') > ' ~ var('max_text_length'),
               'value': column,
               'reason': 'value longer than ' ~ var('max_text_length') ~ ' characters'}) }}
{%- endmacro %}
