{#- The documents whose dunning state intervals this build recomputes, and
    from which extract (docs/weekly-runs.md). A document's intervals change
    only from the first extract that changed since the previous build
    (int_weekly__restatement's `dunning_restate_from_date`: a new extract,
    a re-delivered or vanished one) on. Its intervals that end before that
    extract stay; the ones that reach it (still running, or ended by it or
    a later extract) are dropped and computed again from the extract rows
    since the first of them started: one row per such document with that
    date. A document first listed after the change has no row here and is
    computed from the changed extract on. The previous build's intervals
    are read as the build finds them, before the intervals model replaces
    them. Empty when no extract changed (nothing is recomputed), on a
    first build or a --full-refresh (everything is). -#}
-- depends_on: {{ ref('int_weekly__restatement') }}
{{ config(materialized='table') }}
{%- set previous = adapter.get_relation(
        database=this.database, schema=this.schema, identifier='int_dunning__document_state_intervals') %}

{%- if previous is not none and not flags.FULL_REFRESH %}

select
    previous.company_code,
    previous.customer_code,
    previous.document_number,
    min(previous.valid_from) as restart_date
from {{ previous }} as previous
cross join {{ ref('int_weekly__restatement') }} as restatement
where
    restatement.dunning_restate_from_date is not null
    and (
        previous.valid_until is null
        or previous.valid_until >= restatement.dunning_restate_from_date
    )
group by
    previous.company_code,
    previous.customer_code,
    previous.document_number
{%- else %}

select
    cast(null as {{ dbt.type_string() }}) as company_code,
    cast(null as {{ dbt.type_string() }}) as customer_code,
    cast(null as {{ dbt.type_string() }}) as document_number,
    cast(null as date) as restart_date
from {{ ref('int_weekly__restatement') }}
where 1 = 0
{%- endif %}
