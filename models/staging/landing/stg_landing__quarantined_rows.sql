{#- Every landed row that could not be typed or mapped, with where it came
    from and why. Nothing is dropped silently: a landed row is either in its
    staging model or here (tests/dbt/assert_landed_rows_are_conserved.sql). -#}
{{ config(materialized='table') }}

{#- (source name expression, model, the row's key columns): ledger lines carry
    their landing folder (ledger or fec). The key values let a controller hand
    the row to the accounting team without opening the file: the ledger line's
    entry id, the document of a dunning row, the customer of every row. -#}
{%- set sources = [
    ('source_name', 'stg_ledger__lines', ['company_code', 'customer_code', 'document_number', 'entry_id']),
    ("'dunning'", 'stg_dunning__extract_rows', ['company_code', 'customer_code', 'document_number']),
    ("'customers'", 'stg_customers__master_rows', ['company_code', 'customer_code']),
] %}
{%- set key_columns = ['company_code', 'customer_code', 'document_number', 'entry_id'] %}

{% for source_name, model, keys in sources %}
select
    {{ source_name }} as source_name,
    source_file,
    source_row_number,
    {%- for key in key_columns %}
    {%- if key in keys %}
    substr(cast({{ key }} as {{ dbt.type_string() }}), 1, 200) as {{ key }},
    {%- else %}
    cast(null as {{ dbt.type_string() }}) as {{ key }},
    {%- endif %}
    {%- endfor %}
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
