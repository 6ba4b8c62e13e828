{#- The quality gate on what changed (docs/weekly-runs.md, "What a weekly run checks").

    A weekly run rewrites only part of each incremental model (its `restated_by`
    meta says which part): the snapshots from restate_from_date on, the items
    int_weekly__restated_items lists, the documents of those items, the
    documents whose dunning intervals reach the first changed extract, the
    months from the earliest changed month, the dunning rows from each
    company's restart extract (int_weekly__dunning_row_restarts), the
    typed rows of the files landed in this run, or the dunning extracts
    recomputed in this run. The rows
    it keeps were checked by the build that wrote them, with the same code and
    settings (a change of either restates everything), so the grain, overlap and
    relationship tests of those models need to see only the rows this run wrote.

    `get_where_subquery` is dbt's hook through which every generic test reads its
    model: here it adds, for a model with `restated_by`, the predicate of the rows
    this run wrote, on top of the test's own `where`. On a full build (first
    build, --full-refresh, a changed setting) every row is written, so every row
    is tested. Singular tests (tie-outs to the ledger) always read whole tables.

    The Python gate (quality.py, `restated_rows_predicate`) applies the same
    predicates when it runs these checks itself because dbt's tests were skipped.
-#}

{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set restated = ar_restated_rows_predicate(relation) -%}
    {%- if where or restated -%}
        {%- set filtered -%}
            (select * from {{ relation }} as restated_scope
             where ({{ where or '1 = 1' }}) and ({{ restated or '1 = 1' }})) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#- the model node of the project whose relation is `relation`, or none -#}
{% macro ar_node_of_relation(relation) -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values()
              if node.resource_type == 'model'
              and (node.alias or node.name) | lower == (relation.identifier or '') | lower
              and node.schema | lower == (relation.schema or '') | lower -%}
            {%- do return(node) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do return(none) -%}
{%- endmacro %}

{#- the relation of one of the project's models, by name, without a ref (a test
    that reads it declares no dependency on it: it runs after it anyway, the
    restatement models being upstream of every incremental model) -#}
{% macro ar_model_relation(name) -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == name -%}
        {%- do return(api.Relation.create(database=node.database, schema=node.schema,
                                          identifier=node.alias or node.name)) -%}
    {%- endfor -%}
    {%- do exceptions.raise_compiler_error('no model named ' ~ name) -%}
{%- endmacro %}

{#- the rows of `relation` (aliased restated_scope) this run wrote; '' when its
    model is not incremental (every row is new) -#}
{% macro ar_restated_rows_predicate(relation) -%}
    {%- set node = ar_node_of_relation(relation) -%}
    {%- set kind = (node.config.meta or {}).get('restated_by') if node is not none else none -%}
    {%- if kind is none -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- set restatement = ar_model_relation('int_weekly__restatement') -%}
    {%- if kind == 'snapshots' -%}
        {%- set predicate -%}
            restated_scope.snapshot_date >= (select restate_from_date from {{ restatement }})
        {%- endset -%}
    {%- elif kind in ('items', 'documents') -%}
        {%- set keys = ['company_code', 'entry_id'] if kind == 'items'
                       else ['company_code', 'customer_code', 'document_number'] -%}
        {%- set predicate -%}
            exists (
                select 1 from {{ ar_model_relation('int_weekly__restated_items') }} as restated
                where {% for key in keys %}{{ 'and ' if not loop.first }}restated.{{ key }} = restated_scope.{{ key }} {% endfor %}
            )
        {%- endset -%}
    {%- elif kind == 'dunning_documents' -%}
        {#- a full restatement (1900-01-01) rewrites every document's intervals -#}
        {%- set predicate -%}
            (select dunning_restate_from_date from {{ restatement }}) = cast('1900-01-01' as date)
            or exists (
                select 1 from {{ ar_model_relation('int_weekly__restated_dunning_documents') }} as restated
                where restated.company_code = restated_scope.company_code
                    and restated.customer_code = restated_scope.customer_code
                    and restated.document_number = restated_scope.document_number
            )
        {%- endset -%}
    {%- elif kind == 'months' -%}
        {#- the months from the first day of the earliest changed date's month (1900-01-01:
            all; null when nothing changed: none) -#}
        {%- set predicate -%}
            restated_scope.month_start_date >= (select item_restate_from_date from {{ restatement }})
        {%- endset -%}
    {%- elif kind == 'dunning_rows' -%}
        {#- the extract rows from each company's restart on, a new customer's rows
            (int_weekly__dunning_row_restarts; empty on a full build: every row) -#}
        {%- set predicate -%}
            {{ ar_dunning_rows_from_restarts('restated_scope', 'extracted_at',
                                             ar_model_relation('int_weekly__dunning_row_restarts')) }}
        {%- endset -%}
    {%- elif kind in ('source_files', 'extracts') -%}
        {#- typed staging: the latest rows typed (those of this run, when it typed any);
            the document states: the latest extracts computed (macros/weekly/staged_files.sql) -#}
        {%- set column = 'staged_at' if kind == 'source_files' else 'staged_through' -%}
        {%- set predicate -%}
            restated_scope.{{ column }} = (select max({{ column }}) from {{ relation }})
        {%- endset -%}
    {%- else -%}
        {%- do exceptions.raise_compiler_error('unknown restated_by ' ~ kind ~ ' on ' ~ node.name) -%}
    {%- endif -%}
    {%- do return(predicate) -%}
{%- endmacro %}
