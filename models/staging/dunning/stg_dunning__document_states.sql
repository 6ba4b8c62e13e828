{#- The dunning tool's picture of each document, one row per extract
    (company_code, extracted_at) and document (customer_code,
    document_number). Overlapping deliveries of the same picture: the file
    with the latest name, then its last row, wins. -#}
{{ config(materialized='table') }}

with

extract_rows as (
    select * from {{ ref('stg_dunning__extract_rows') }}
    where problem_count = 0
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
    loaded_at
from current_states
