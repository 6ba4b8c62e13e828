{#- Every dunning level a document reaches (DEFINITIONS §12,
    docs/definitions/12-dunning-effectiveness.md): one row per document and
    level k >= 1, on the first extract (up to the as-of date) where its level
    is k or more: a document that jumps from 0 to 2 reaches levels 1 and 2 on
    the same extract. Beside it, what the document still owed that day and
    n days later for each horizon n of `dunning_effect_days`, read on its
    open debit step function (int_documents__open_debit_intervals). Whether
    day n has come yet (the as-of date) is the mart's business:
    the amounts here do not depend on it, a later payment changes the step
    function and so restates the document.

    Incremental (docs/weekly-runs.md): a scheduled run computes again the
    reaches of the documents int_weekly__restated_items names (their step
    function was computed again) and the reaches on the dunning rows computed
    again (int_weekly__dunning_row_restarts); a reach depends only on its
    document's rows up to that extract, so the earlier ones stay. Its
    columns follow `dunning_effect_days`: a change of that var restates
    every row (as any var does) and the table takes the new columns. -#}
-- depends_on: {{ ref('int_weekly__restated_items') }}
-- depends_on: {{ ref('int_weekly__dunning_row_restarts') }}
{%- set horizons = ar_dunning_effect_days() %}
{{ config(
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ ar_delete_recomputed_for_dunning('reached_on') }}"
) }}

with

dunning_rows as (
    select * from {{ ref('int_documents__dunning_rows') }}
),

open_debits as (
    select * from {{ ref('int_documents__open_debit_intervals') }}
),

-- the documents with a reach to compute: their whole dunning history
recomputed_documents as (
    select distinct
        company_code,
        customer_code,
        document_number
    from dunning_rows
    where {{ ar_recomputed_for_dunning('dunning_rows', 'extracted_at') }}
),

document_rows as (
    select dunning_rows.*
    from dunning_rows
    inner join recomputed_documents
        on
            dunning_rows.company_code = recomputed_documents.company_code
            and dunning_rows.customer_code = recomputed_documents.customer_code
            and dunning_rows.document_number = recomputed_documents.document_number
),

-- the highest level each document had before this extract
levels_before as (
    select
        company_code,
        customer_code,
        document_number,
        extracted_at,
        collector,
        dunning_level,
        coalesce(max(dunning_level) over (
            partition by company_code, customer_code, document_number
            order by extracted_at
            rows between unbounded preceding and 1 preceding
        ), 0) as previous_max_level
    from document_rows
),

level_numbers as (
    select integers.n as dunning_level
    from ({{ ar_integers(3) }}) as integers
    where
        integers.n >= 1
        and integers.n <= (select max(levels_before.dunning_level) from levels_before)
),

-- an extract where a document's level rises above every earlier one reaches
-- each level in between
reaches as (
    select
        levels_before.company_code,
        levels_before.customer_code,
        levels_before.document_number,
        levels_before.extracted_at as reached_on,
        levels_before.collector,
        level_numbers.dunning_level
    from levels_before
    inner join level_numbers
        on
            levels_before.previous_max_level < level_numbers.dunning_level
            and levels_before.dunning_level >= level_numbers.dunning_level
),

computed_reaches as (
    select reaches.*
    from reaches
    where {{ ar_recomputed_for_dunning('reaches', 'reached_on') }}
)

select
    computed_reaches.company_code,
    computed_reaches.customer_code,
    computed_reaches.document_number,
    cast(computed_reaches.dunning_level as integer) as dunning_level,
    computed_reaches.reached_on,
    computed_reaches.collector,
    {%- for n in horizons %}
    cast(coalesce(after_{{ n }}d.open_debit_amount, 0) as decimal(18, 2)) as open_after_{{ n }}d,
    {%- endfor %}
    cast(coalesce(at_level.open_debit_amount, 0) as decimal(18, 2)) as open_at_level
from computed_reaches
left join open_debits as at_level
    on
        computed_reaches.company_code = at_level.company_code
        and computed_reaches.customer_code = at_level.customer_code
        and computed_reaches.document_number = at_level.document_number
        and {{ ar_valid_on('at_level', 'computed_reaches.reached_on') }}
{%- for n in horizons %}
left join open_debits as after_{{ n }}d
    on
        computed_reaches.company_code = after_{{ n }}d.company_code
        and computed_reaches.customer_code = after_{{ n }}d.customer_code
        and computed_reaches.document_number = after_{{ n }}d.document_number
        and {{ ar_valid_on('after_' ~ n ~ 'd', ar_add_days('computed_reaches.reached_on', n)) }}
{%- endfor %}
