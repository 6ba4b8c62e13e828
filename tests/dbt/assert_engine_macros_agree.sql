{#- The engine-specific macros give the expected answers on the engine
    running the tests, and so does the portable default of ar_try_cast_date.
    Inputs come from a table, not literals, as real columns do (engines fold
    constant expressions before a CASE can guard them). -#}
{%- set dates = [
    ('2025-01-31', '2025-01-31'), ('2024-02-29', '2024-02-29'), ('2025-02-29', none), ('2025-02-30', none),
    ('2025-13-01', none), ('2025-00-10', none), ('2025-04-31', none), ('2025-12-31', '2025-12-31'),
] %}
{%- set patterns = [
    ('12,50', '[+-]?([0-9]{1,15}([.,][0-9]*)?|[.,][0-9]+)', true),
    ('12,3,4', '[+-]?([0-9]{1,15}([.,][0-9]*)?|[.,][0-9]+)', false),
    ('x12', '[0-9]+', false),
    ('20250131', '(19|2[01])[0-9]{6}', true),
] %}
with

date_inputs as (
    {%- for raw, expected in dates %}
    select
        '{{ raw }}' as raw_value,
        {{ "'" ~ expected ~ "'" if expected else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as expected
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

date_checks as (
    select
        raw_value,
        expected,
        cast({{ ar_try_cast_date('raw_value') }} as {{ dbt.type_string() }}) as dispatched,
        cast({{ default__ar_try_cast_date('raw_value') }} as {{ dbt.type_string() }}) as portable
    from date_inputs
),

regexp_checks as (
    {%- for raw, pattern, expected in patterns %}
    select
        '{{ raw }}' as raw_value,
        '{{ expected | lower }}' as expected,
        case when {{ ar_regexp_matches("'" ~ raw ~ "'", pattern) }} then 'true' else 'false' end as dispatched,
        -- no engine-independent regular expression syntax: each engine's own is checked
        case when {{ ar_regexp_matches("'" ~ raw ~ "'", pattern) }} then 'true' else 'false' end as portable
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

checks as (
    select * from date_checks
    union all
    select * from regexp_checks
)

select *
from checks
where
    coalesce(dispatched, '-') <> coalesce(expected, '-')
    or coalesce(portable, '-') <> coalesce(expected, '-')
