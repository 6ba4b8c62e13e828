{#- Helpers of the collection marts (docs/definitions/00-conventions.md, 07-collection-rate.md,
    08-forward-views.md). -#}

{#- A rate as a fraction, null when its base is 0 (docs/definitions/00-conventions.md: 0.75 = 75 %). -#}
{% macro ar_rate(numerator, base) -%}
    case when {{ base }} = 0 then null else {{ ar_divide(numerator, base) }} end
{%- endmacro %}

{#- The collector label of items nobody is assigned to (no collector on the
    dunning row nor in the customer master): a stable value, so that the
    collection marts' grain (…, collector) has no nulls. -#}
{% macro ar_unassigned_collector() -%}
    '(none)'
{%- endmacro %}

{#- The customer-group label of customers without one in the master. -#}
{% macro ar_unassigned_customer_group() -%}
    '(none)'
{%- endmacro %}
