{#- Where an overdue item of an insured customer stands against the credit
    insurer's declaration deadline (docs/definitions/17-late-payment-and-credit-insurance.md): `late` once the
    deadline is past, `due_soon` within `insurer_warning_days` (15) of it —
    a deadline exactly 15 days away is due soon —, else `ok`; null when
    there is no deadline (the customer is not insured). -#}
{% macro ar_insurer_status(days_to_deadline) -%}
    case
        when {{ days_to_deadline }} is null then null
        when {{ days_to_deadline }} < 0 then 'late'
        when {{ days_to_deadline }} <= {{ var('insurer_warning_days') }} then 'due_soon'
        else 'ok'
    end
{%- endmacro %}
