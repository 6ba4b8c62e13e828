{#- Row conservation: every landed row is either staged or quarantined, and
    every file's landed row count is accounted for. A FEC line is staged or
    quarantined as a ledger line when it is on a receivable account, else it
    is out of the AR scope (counted in stg_fec__lines, never silently lost).
    Among staged ledger rows, each is either the current version of its entry
    or a superseded re-delivery of it. -#}
{#- (landing folder, landed table, staging model, filter on it, rows out of scope) -#}
{%- set fec_out_of_scope = "(select count(*) from " ~ ref('stg_fec__lines')
    ~ " as fec_lines where fec_lines.account_scope = 'out_of_scope')" %}
{%- set sources = [
    ('ledger', 'ledger_lines', 'stg_ledger__lines', "staged.source_name = 'ledger'", '0'),
    ('fec', 'fec_lines', 'stg_ledger__lines', "staged.source_name = 'fec'", fec_out_of_scope),
    ('dunning', 'dunning_rows', 'stg_dunning__extract_rows', 'true', '0'),
    ('customers', 'customer_rows', 'stg_customers__master_rows', 'true', '0'),
] %}
with

counts as (
    {%- for name, table, model, model_filter, out_of_scope in sources %}
    select
        '{{ name }}' as source_name,
        (select count(*) from {{ source('landing', table) }}) as landed_rows,
        (
            select coalesce(sum(files.row_count), 0) from {{ source('landing', 'landed_files') }} as files
            where files.source_name = '{{ name }}'
        ) as file_rows,
        (
            select count(*) from {{ ref(model) }} as staged
            where staged.problem_count = 0 and {{ model_filter }}
        ) as staged_rows,
        (
            select count(*) from {{ ref('stg_landing__quarantined_rows') }} as quarantined
            where quarantined.source_name = '{{ name }}'
        ) as quarantined_rows,
        {{ out_of_scope }} as out_of_scope_rows
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

ledger_versions as (
    select
        count(*) as current_entries,
        sum(delivery_count) as staged_versions
    from {{ ref('stg_ledger__entries') }}
)

select
    counts.source_name,
    counts.landed_rows,
    counts.file_rows,
    counts.staged_rows,
    counts.quarantined_rows,
    counts.out_of_scope_rows
from counts
where
    counts.landed_rows <> counts.staged_rows + counts.quarantined_rows + counts.out_of_scope_rows
    or counts.landed_rows <> counts.file_rows

union all

select
    'ledger versions' as source_name,
    ledger_versions.staged_versions as landed_rows,
    null as file_rows,
    (
        select count(*) from {{ ref('stg_ledger__lines') }} as staged_lines
        where staged_lines.problem_count = 0
    ) as staged_rows,
    ledger_versions.current_entries as quarantined_rows,
    null as out_of_scope_rows
from ledger_versions
where
    coalesce(ledger_versions.staged_versions, 0)
    <> (
        select count(*) from {{ ref('stg_ledger__lines') }} as staged_lines
        where staged_lines.problem_count = 0
    )
