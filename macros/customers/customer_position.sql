{#- The customer-level rules every customer-grain model shares
    (docs/customer-positions.md). -#}

{#- Who is responsible for a customer as of a snapshot: the collector the
    dunning tool names on most of the customer's rows in the extract in force
    (int_dunning__customer_collectors_weekly), else the customer master's;
    null when neither names one. -#}
{% macro ar_customer_collector(dunning_collector, master_collector) -%}
    coalesce({{ dunning_collector }}, {{ master_collector }})
{%- endmacro %}

{#- Where that collector comes from: 'dunning_extract', 'customer_master' or
    'none'. -#}
{% macro ar_customer_collector_source(dunning_collector, master_collector) -%}
    case
        when {{ dunning_collector }} is not null then 'dunning_extract'
        when {{ master_collector }} is not null then 'customer_master'
        else 'none'
    end
{%- endmacro %}

{#- Credit limit left (DEFINITIONS §8): limit - balance, null without a limit. -#}
{% macro ar_available_credit(credit_limit, balance) -%}
    {{ credit_limit }} - {{ balance }}
{%- endmacro %}

{#- Share of the limit used: balance / limit, null when the limit is not > 0. -#}
{% macro ar_credit_utilisation(balance, credit_limit) -%}
    case when {{ credit_limit }} > 0 then {{ ar_divide(balance, credit_limit) }} end
{%- endmacro %}

{#- Over the limit: balance > limit; false without a limit. -#}
{% macro ar_is_over_limit(balance, credit_limit) -%}
    coalesce({{ balance }} > {{ credit_limit }}, false)
{%- endmacro %}
