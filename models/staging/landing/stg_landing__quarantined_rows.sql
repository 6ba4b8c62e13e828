{#- Every landed row that could not be typed or mapped, with where it came
    from and why. Nothing is dropped silently: a landed row is either in its
    staging model or here (tests/dbt/assert_landed_rows_are_conserved.sql). -#}
{{ config(materialized='table') }}

{#- (source name expression, model): ledger lines carry their landing folder
    (ledger or fec) -#}
{%- set sources = [
    ('source_name', 'stg_ledger__lines'),
    ("'dunning'", 'stg_dunning__extract_rows'),
    ("'customers'", 'stg_customers__master_rows'),
] %}

{% for source_name, model in sources %}
select
    {{ source_name }} as source_name,
    source_file,
    source_row_number,
    problem_column as column_name,
    problem_value as raw_value,
    problem_reason as reason,
    problem_count,
    problems as all_problems,
    loaded_at
from {{ ref(model) }}
where problem_count > 0
{% if not loop.last %}union all{% endif %}
{% endfor %}
