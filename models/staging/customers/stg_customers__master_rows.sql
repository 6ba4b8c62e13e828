{#- Every landed customer-master record, typed, with what is wrong with it. -#}
with

source as (
    select * from {{ source('landing', 'customer_rows') }}
),

cleaned as (
    select
        source_file,
        source_row_number,
        loaded_at,
        encoding_error_column,
        structure_error,
        {{ ar_clean_text('customer_code') }} as customer_code,
        -- empty company_code: the row applies to every company (docs/definitions/00-conventions.md)
        {{ ar_clean_text('company_code') }} as company_code,
        {{ ar_clean_text('customer_name') }} as customer_name,
        {{ ar_clean_text('customer_group') }} as customer_group,
        {{ ar_clean_text('segment') }} as segment,
        upper({{ ar_clean_text('country') }}) as country,
        {{ ar_clean_text('collector') }} as collector,
        {{ ar_clean_text('credit_limit') }} as credit_limit_raw,
        {{ ar_clean_text('insured_limit') }} as insured_limit_raw,
        {{ ar_clean_text('payment_terms_days') }} as payment_terms_days_raw,
        {{ ar_clean_text('registration_id') }} as registration_id
    from source
),

typed as (
    select
        *,
        {{ ar_parse_decimal('credit_limit_raw') }} as credit_limit,
        {{ ar_parse_decimal('insured_limit_raw') }} as insured_limit,
        {{ ar_parse_integer('payment_terms_days_raw') }} as payment_terms_days
    from cleaned
)

select
    *,
    {{ ar_row_problems(ar_landing_checks() + [
        ar_check_required('customer_code'),
        ar_check_number('credit_limit'),
        {'column': 'credit_limit', 'when': 'credit_limit < 0', 'value': 'credit_limit_raw',
         'reason': 'negative credit limit'},
        ar_check_number('insured_limit'),
        {'column': 'insured_limit', 'when': 'insured_limit < 0', 'value': 'insured_limit_raw',
         'reason': 'negative insured limit'},
        ar_check_integer('payment_terms_days'),
        {'column': 'payment_terms_days', 'when': 'payment_terms_days < 0 or payment_terms_days > 3650',
         'value': 'payment_terms_days_raw', 'reason': 'payment terms outside 0-3650 days'},
        {'column': 'country', 'when': "country is not null and not " ~ ar_regexp_matches('country', '[A-Z]{2}'),
         'reason': 'not an ISO 3166 alpha-2 country code'},
        ar_check_length('customer_code'),
        ar_check_length('customer_name'),
        ar_check_length('customer_group'),
        ar_check_length('collector'),
    ]) }}
from typed
