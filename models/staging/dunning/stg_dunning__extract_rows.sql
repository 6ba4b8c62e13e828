{#- Every landed dunning-extract record, typed and mapped to the canonical
    statuses and blocking causes, with what is wrong with it. -#}
{#- Parsed once and kept: the document states and the quarantine both read it.
    Incremental (macros/weekly/staged_files.sql): a weekly run types the rows
    of the extracts it landed, and keeps those of the extracts it kept (a
    warehouse built before the rows were stamped gets the columns, null: all
    retyped). -#}
{{ config(
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    meta={'restated_by': 'source_files'},
    pre_hook="{{ ar_delete_unstaged_files('dunning') }}"
) }}

with

source as (
    {{ ar_rows_to_stage(source('landing', 'dunning_rows'), "'dunning'") }}
),

status_codes as (
    select * from {{ ref('ar_dunning_status_codes') }}
),

cause_codes as (
    select * from {{ ref('ar_blocking_cause_codes') }}
),

cleaned as (
    select
        source_file,
        source_row_number,
        loaded_at,
        encoding_error_column,
        structure_error,
        -- the picture's date: its own column, else the date in the file name
        coalesce({{ ar_clean_text('extracted_at') }}, file_name_date) as extracted_at_raw,
        coalesce(
            {{ ar_clean_text('company_code') }}, '{{ var("default_company_code") }}'
        ) as company_code,
        {{ ar_clean_text('customer_code') }} as customer_code,
        {{ ar_clean_text('document_number') }} as document_number,
        {{ ar_clean_text('dunning_status') }} as dunning_status_raw,
        {{ ar_clean_text('dunning_level') }} as dunning_level_raw,
        {{ ar_clean_text('blocking_cause') }} as blocking_cause_raw,
        {{ ar_clean_text('collector') }} as collector,
        {{ ar_clean_text('promised_date') }} as promised_date_raw,
        {{ ar_clean_text('promised_amount') }} as promised_amount_raw,
        {{ ar_clean_text('last_action_date') }} as last_action_date_raw,
        lower({{ ar_clean_text('last_action_type') }}) as last_action_type
    from source
),

typed as (
    select
        cleaned.*,
        {{ ar_parse_date('extracted_at_raw') }} as extracted_at,
        status_codes.dunning_status,
        -- an empty cause is "none"; a non-empty one must be mapped
        case
            when cleaned.blocking_cause_raw is null then 'none'
            else cause_codes.blocking_cause
        end as blocking_cause,
        {{ ar_parse_integer('dunning_level_raw') }} as dunning_level,
        {{ ar_parse_date('promised_date_raw') }} as promised_date,
        {{ ar_parse_decimal('promised_amount_raw') }} as promised_amount,
        {{ ar_parse_date('last_action_date_raw') }} as last_action_date
    from cleaned
    left join status_codes
        on {{ ar_code_key('cleaned.dunning_status_raw') }} = status_codes.raw_code
    left join cause_codes
        on {{ ar_code_key('cleaned.blocking_cause_raw') }} = cause_codes.raw_code
)

select
    *,
    {{ ar_staged_with() }} as staged_with,
    {{ ar_staged_at() }} as staged_at,
    {{ ar_row_problems(ar_landing_checks() + [
        ar_check_required('extracted_at', 'extracted_at_raw'),
        ar_check_date('extracted_at'),
        ar_check_required('customer_code'),
        ar_check_required('document_number'),
        ar_check_required('dunning_status', 'dunning_status_raw'),
        {'column': 'dunning_status', 'when': 'dunning_status_raw is not null and dunning_status is null',
         'value': 'dunning_status_raw',
         'reason': 'unknown dunning status (map it in seeds/ar_dunning_status_codes.csv)'},
        {'column': 'blocking_cause', 'when': 'blocking_cause is null', 'value': 'blocking_cause_raw',
         'reason': 'unknown blocking cause (map it in seeds/ar_blocking_cause_codes.csv)'},
        ar_check_integer('dunning_level'),
        {'column': 'dunning_level', 'when': 'dunning_level < 0', 'value': 'dunning_level_raw',
         'reason': 'negative dunning level'},
        ar_check_date('promised_date'),
        ar_check_number('promised_amount'),
        ar_check_date('last_action_date'),
        ar_check_length('customer_code'),
        ar_check_length('document_number'),
        ar_check_length('collector'),
    ]) }}
from typed
