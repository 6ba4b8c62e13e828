{#- A validity interval [valid_from, valid_until) holds on a date: the
    interval models (open items, document amounts, dunning states, extracts)
    are all read this way. `relation` is the alias of the interval relation. -#}
{% macro ar_valid_on(relation, date_expr) -%}
    ({{ relation }}.valid_from <= {{ date_expr }}
    and ({{ relation }}.valid_until is null or {{ date_expr }} < {{ relation }}.valid_until))
{%- endmacro %}
