{#- The fingerprints this build's weekly marts were computed from, kept for
    the next build to compare with (int_weekly__restatement and int_weekly__dunning_row_restarts read
    this table before it is replaced). Built after the weekly marts, so a build that fails before
    them leaves the previous copy in place. -#}
-- depends_on: {{ ref('int_customers__weekly_positions') }}
-- depends_on: {{ ref('int_weekly__dunning_row_restarts') }}
-- depends_on: {{ ref('fct_ar_outstanding_weekly') }}
-- depends_on: {{ ref('fct_ar_aged_balance_weekly') }}
-- depends_on: {{ ref('fct_ar_cash_receipts_weekly') }}
{{ config(materialized='table') }}

select
    fingerprint_kind,
    company_code,
    fingerprint_key,
    change_fingerprint,
    change_date,
    settlement_fingerprint,
    settlement_date
from {{ ref('int_weekly__input_fingerprints') }}
