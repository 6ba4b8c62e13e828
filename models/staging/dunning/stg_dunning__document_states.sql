{#- The dunning tool's picture of each document, one row per extract
    (company_code, extracted_at) and document (customer_code,
    document_number). Overlapping deliveries of the same picture: the file
    with the latest name, then its last row, wins.

    Incremental by extract: a weekly run recomputes the extracts with rows
    typed since the previous build and those whose winning file changed or
    vanished (ar_delete_restated_extracts), and keeps every other. -#}
{{ config(
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    meta={'restated_by': 'extracts'},
    pre_hook="{{ ar_delete_restated_extracts() }}"
) }}

with

all_extract_rows as (
    select * from {{ ref('stg_dunning__extract_rows') }}
),

-- the extracts held from earlier builds (none on a full build): the model
-- computes the others, new ones and those the pre-hook dropped
held_extracts as (
    {%- if is_incremental() %}
    select distinct
        company_code,
        extracted_at
    from {{ this }}
    {%- else %}
    select
        company_code,
        extracted_at
    from all_extract_rows
    where 1 = 0
    {%- endif %}
),

extract_rows as (
    select all_extract_rows.*
    from all_extract_rows
    where
        all_extract_rows.problem_count = 0
        and not exists (
            select 1
            from held_extracts
            where
                held_extracts.company_code = all_extract_rows.company_code
                and held_extracts.extracted_at = all_extract_rows.extracted_at
        )
),

-- overlapping deliveries of one picture: the latest file, then its last row
{{ ar_latest_delivery_ctes(
    'extract_rows',
    ['company_code', 'extracted_at', 'customer_code', 'document_number'],
    'current_states'
) }}

select
    company_code,
    extracted_at,
    customer_code,
    document_number,
    dunning_status,
    dunning_status_raw,
    coalesce(dunning_level, 0) as dunning_level,
    blocking_cause,
    blocking_cause_raw,
    collector,
    promised_date,
    promised_amount,
    last_action_date,
    last_action_type,
    source_file,
    source_row_number,
    loaded_at,
    -- what this model has read: the extract rows typed until then
    (select max(all_extract_rows.staged_at) from all_extract_rows) as staged_through
from current_states
