{#- Every landed ledger record, typed, with what is wrong with it. Valid rows
    go on to stg_ledger__entries, the others to the quarantine. The CSV
    exports of ledger/ and the receivable lines of the FEC exports of fec/
    (already shaped as ledger lines by stg_fec__ledger_lines) are typed here
    together: one set of rules for both. -#}
{%- set ledger_columns = [
    'company_code', 'entry_id', 'customer_code', 'customer_name', 'document_number', 'document_type',
    'posting_date', 'document_date', 'due_date', 'debit', 'credit', 'currency', 'amount_currency',
    'lettering_code', 'lettering_date', 'reference',
    'source_file', 'source_row_number', 'file_name_date', 'encoding_error_column', 'structure_error',
    'loaded_at',
] %}

{#- Incremental (macros/weekly/staged_files.sql): a weekly run types the rows
    of the files it landed, and keeps those of the files it kept (a warehouse
    built before the rows were stamped gets the columns, null: all retyped). -#}
{{ config(
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    meta={'restated_by': 'source_files'},
    pre_hook="{{ ar_delete_unstaged_files() }}"
) }}

with

ledger_exports as (
    {{ ar_rows_to_stage(source('landing', 'ledger_lines'), "'ledger'", "source_name = 'ledger'") }}
),

fec_exports as (
    {{ ar_rows_to_stage(ref('stg_fec__ledger_lines'), "'fec'", "source_name = 'fec'") }}
),

source as (
    select
        'ledger' as source_name,
        {{ ledger_columns | join(',\n        ') }}
    from ledger_exports
    union all
    select
        'fec' as source_name,
        {{ ledger_columns | join(',\n        ') }}
    from fec_exports
),

document_type_codes as (
    select * from {{ ref('ar_document_type_codes') }}
),

cleaned as (
    select
        source_name,
        source_file,
        source_row_number,
        loaded_at,
        encoding_error_column,
        structure_error,
        coalesce(
            {{ ar_clean_text('company_code') }}, '{{ var("default_company_code") }}'
        ) as company_code,
        {{ ar_clean_text('entry_id') }} as entry_id,
        {{ ar_clean_text('customer_code') }} as customer_code,
        {{ ar_clean_text('customer_name') }} as customer_name,
        {{ ar_clean_text('document_number') }} as document_number,
        {{ ar_clean_text('document_type') }} as document_type_raw,
        {{ ar_clean_text('posting_date') }} as posting_date_raw,
        {{ ar_clean_text('document_date') }} as document_date_raw,
        {{ ar_clean_text('due_date') }} as due_date_raw,
        {{ ar_clean_text('debit') }} as debit_raw,
        {{ ar_clean_text('credit') }} as credit_raw,
        upper({{ ar_clean_text('currency') }}) as currency,
        {{ ar_clean_text('amount_currency') }} as amount_currency_raw,
        {{ ar_clean_text('lettering_code') }} as lettering_code,
        {{ ar_clean_text('lettering_date') }} as lettering_date_raw,
        {{ ar_clean_text('reference') }} as reference
    from source
),

typed as (
    select
        cleaned.*,
        document_type_codes.document_type,
        {{ ar_parse_date('posting_date_raw') }} as posting_date,
        {{ ar_parse_date('document_date_raw') }} as document_date,
        {{ ar_parse_date('due_date_raw') }} as due_date,
        {{ ar_parse_date('lettering_date_raw') }} as lettering_date,
        {{ ar_parse_decimal('debit_raw') }} as debit,
        {{ ar_parse_decimal('credit_raw') }} as credit,
        {{ ar_parse_decimal('amount_currency_raw', 4) }} as amount_currency
    from cleaned
    left join document_type_codes
        on {{ ar_code_key('cleaned.document_type_raw') }} = document_type_codes.raw_code
)

select
    *,
    {{ ar_staged_with() }} as staged_with,
    {{ ar_staged_at() }} as staged_at,
    {{ ar_row_problems(ar_landing_checks() + [
        ar_check_required('entry_id'),
        ar_check_required('customer_code'),
        ar_check_required('document_number'),
        ar_check_required('document_type', 'document_type_raw'),
        {'column': 'document_type', 'when': 'document_type_raw is not null and document_type is null',
         'value': 'document_type_raw',
         'reason': 'unknown document type (map it in seeds/ar_document_type_codes.csv)'},
        ar_check_required('posting_date', 'posting_date_raw'),
        ar_check_date('posting_date'),
        ar_check_date('document_date'),
        ar_check_date('due_date'),
        ar_check_date('lettering_date'),
        {'column': 'debit', 'when': 'debit_raw is null and credit_raw is null', 'value': "''",
         'reason': 'debit and credit are both empty'},
        ar_check_number('debit'),
        {'column': 'debit', 'when': 'debit < 0', 'value': 'debit_raw',
         'reason': 'negative debit (a credit belongs in the credit column)'},
        ar_check_number('credit'),
        {'column': 'credit', 'when': 'credit < 0', 'value': 'credit_raw',
         'reason': 'negative credit (a debit belongs in the debit column)'},
        ar_check_number('amount_currency', 4),
        {'column': 'currency', 'when': "currency is not null and not " ~ ar_regexp_matches('currency', '[A-Z]{3}'),
         'reason': 'not an ISO 4217 currency code'},
        ar_check_length('entry_id'),
        ar_check_length('customer_code'),
        ar_check_length('customer_name'),
        ar_check_length('document_number'),
        ar_check_length('lettering_code'),
        ar_check_length('reference'),
    ]) }}
from typed
