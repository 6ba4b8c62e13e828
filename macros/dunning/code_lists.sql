{#- The canonical dunning statuses and blocking causes (docs/definitions/05-dunning-state.md), for
    marts that give each its own column (their contracts list one column per
    code, so the lists are fixed at compile time; reading the seeds would need
    a built warehouse to compile or lint). The seeds ar_dunning_statuses and
    ar_blocking_causes hold their labels and sort orders;
    tests/dbt/assert_status_and_cause_lists_match_seeds.sql checks these lists
    are exactly the seeds' codes. -#}
{% macro ar_dunning_status_codes() -%}
    {{ return(['not_dunned', 'dunning_in_progress', 'arbitration_required', 'payment_promised',
               'payment_received']) }}
{%- endmacro %}

{% macro ar_blocking_cause_codes() -%}
    {{ return(['none', 'dispute', 'invoice_label_error', 'invoice_not_received', 'order_contract_mismatch',
               'awaiting_credit_note', 'other']) }}
{%- endmacro %}
