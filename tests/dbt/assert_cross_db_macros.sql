{#- Every engine-specific macro (macros/utils/cross_db.sql and the other
    adapter.dispatch macros), on the engine the build runs on: each case is a value the macro must give. A
    returned row is a case where this engine's implementation is wrong. The
    same cases run on DuckDB, PostgreSQL and Spark (`make test`). -#}
{%- set cases = [
    ('regexp: the whole text must match', ar_regexp_matches("'2025-01-31'", '[0-9]{4}-[0-9]{2}-[0-9]{2}'), 'true'),
    ('regexp: anchored, no partial match', ar_regexp_matches("'x2025-01-31'", '[0-9]{4}-[0-9]{2}-[0-9]{2}'), 'false'),
    ('regexp: anchored around an alternation', ar_regexp_matches("'ab'", 'a|ab'), 'true'),
    ('bytewise: upper case before lower case', ar_bytewise("'B'") ~ ' < ' ~ ar_bytewise("'a'"), 'true'),
    ('bytewise: ASCII before accented letters', ar_bytewise("'z'") ~ ' < ' ~ ar_bytewise("'é'"), 'true'),
    ('bytewise: digits before letters', ar_bytewise("'9'") ~ ' < ' ~ ar_bytewise("'A'"), 'true'),
    ('try_cast_date: a real date', ar_try_cast_date("'2024-02-29'") ~ " = cast('2024-02-29' as date)", 'true'),
    ('try_cast_date: 29 Feb of a common year', ar_try_cast_date("'2025-02-29'") ~ ' is null', 'true'),
    ('try_cast_date: 31 April', ar_try_cast_date("'2025-04-31'") ~ ' is null', 'true'),
    ('try_cast_date: month 13', ar_try_cast_date("'2025-13-01'") ~ ' is null', 'true'),
    ('try_cast_date: day 00', ar_try_cast_date("'2025-01-00'") ~ ' is null', 'true'),
    ('try_cast_date: 31 December', ar_try_cast_date("'2199-12-31'") ~ " = cast('2199-12-31' as date)", 'true'),
    ('date_add: days across a month end', ar_date_add('day', 3, "cast('2025-01-30' as date)") ~ " = cast('2025-02-02' as date)", 'true'),
    ('date_add: negative days', ar_date_add('day', -1, "cast('2025-03-01' as date)") ~ " = cast('2025-02-28' as date)", 'true'),
    ('date_add: a null date gives null', ar_date_add('day', 1, 'cast(null as date)') ~ ' is null', 'true'),
    ('date_add: month end to a shorter month', ar_date_add('month', 1, "cast('2025-01-31' as date)") ~ " = cast('2025-02-28' as date)", 'true'),
    ('date_add: months back', ar_date_add('month', '-13', "cast('2025-03-01' as date)") ~ " = cast('2024-02-01' as date)", 'true'),
    ('date_add: years from 29 February', ar_date_add('year', 2, "cast('2024-02-29' as date)") ~ " = cast('2026-02-28' as date)", 'true'),
    ('days_between: across a leap February', ar_days_between("cast('2024-01-01' as date)", "cast('2024-03-01' as date)") ~ ' = 60', 'true'),
    ('days_between: negative', ar_days_between("cast('2025-03-01' as date)", "cast('2025-02-27' as date)") ~ ' = -2', 'true'),
    ('days_between: null gives null', ar_days_between('cast(null as date)', "cast('2025-02-27' as date)") ~ ' is null', 'true'),
    ('code key: accented capitals fold (PostgreSQL needs a UTF-8 LC_CTYPE)', ar_code_key("' Écart commande '") ~ " = 'écart commande'", 'true'),
    ('iso_weekday: Monday 2025-11-24', ar_iso_weekday("cast('2025-11-24' as date)") ~ ' = 1', 'true'),
    ('iso_weekday: Sunday 2026-11-22', ar_iso_weekday("cast('2026-11-22' as date)") ~ ' = 7', 'true'),
    ('row_hash: same values, same hash', ar_row_hash(["'a'", "cast('2025-01-31' as date)"]) ~ ' = ' ~ ar_row_hash(["'a'", "cast('2025-01-31' as date)"]), 'true'),
    ('row_hash: a null is a value of its own', ar_row_hash(["'a'", 'cast(null as ' ~ dbt.type_string() ~ ')']) ~ ' <> ' ~ ar_row_hash(['cast(null as ' ~ dbt.type_string() ~ ')', "'a'"]), 'true'),
    ('divide: wide decimals keep all the decimals of the quotient (4 / 7 * 100 = 57.142857)', ar_divide('cast(4 as decimal(38, 2))', 'cast(7 as decimal(38, 2))') ~ ' * 100 between 57.1428565 and 57.1428575', 'true'),
    ('divide: an exact quotient', ar_divide('cast(150000 as decimal(18, 2))', 'cast(3000 as decimal(18, 2))') ~ ' = 50', 'true'),
    ('text_literal: an apostrophe is kept', 'length(' ~ ar_text_literal("l'exercice") ~ ') = 10', 'true'),
    ('text_literal: a backslash is kept', 'length(' ~ ar_text_literal("a\\b") ~ ') = 3', 'true'),
    ('row_hash: values do not run into each other', ar_row_hash(["'a|b'", "'c'"]) ~ ' <> ' ~ ar_row_hash(["'a'", "'b|c'"]), 'true'),
] %}
{#- ar_try_cast_date again with its input read from a relation, as real
    columns are (engines fold constant expressions before a CASE can guard
    them), for the dispatched macro and for the portable default. -#}
{%- set table_dates = [
    ('2025-01-31', '2025-01-31'), ('2024-02-29', '2024-02-29'), ('2025-02-29', none), ('2025-02-30', none),
    ('2025-13-01', none), ('2025-00-10', none), ('2025-04-31', none), ('2025-12-31', '2025-12-31'),
] %}

with

cases as (
    {%- for name, expression, expected in cases %}
    select
        '{{ name }}' as case_name,
        coalesce({{ expression }}, false) as actual,
        {{ expected }} as expected
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

date_inputs as (
    {%- for raw, expected in table_dates %}
    select
        '{{ raw }}' as raw_value,
        {{ "cast('" ~ expected ~ "' as date)" if expected else 'cast(null as date)' }} as expected_date
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

date_cases as (
    select
        {{ dbt.concat(["'try_cast_date from a column: '", 'raw_value']) }} as case_name,
        coalesce(
            {{ ar_try_cast_date('raw_value') }} = expected_date,
            expected_date is null and {{ ar_try_cast_date('raw_value') }} is null
        ) as actual,
        true as expected
    from date_inputs
    union all
    select
        {{ dbt.concat(["'portable try_cast_date from a column: '", 'raw_value']) }} as case_name,
        coalesce(
            {{ default__ar_try_cast_date('raw_value') }} = expected_date,
            expected_date is null and {{ default__ar_try_cast_date('raw_value') }} is null
        ) as actual,
        true as expected
    from date_inputs
),

all_cases as (
    select * from cases
    union all
    select * from date_cases
)

select
    case_name,
    actual,
    expected
from all_cases
where actual <> expected
