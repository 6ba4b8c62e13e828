{#- The horizons of the dunning-level effectiveness (DEFINITIONS §12): the
    `dunning_effect_days` var as a sorted list of distinct positive day
    counts; fct_ar_dunning_effectiveness_monthly has one set of columns per
    value (evaluated_<n>d, settled_<n>d, ...). -#}
{% macro ar_dunning_effect_days() -%}
    {%- set days = var('dunning_effect_days') | map('int') | list -%}
    {%- if days | length == 0 or days | min < 1 or days | unique | list | length != days | length -%}
        {{ exceptions.raise_compiler_error("var dunning_effect_days must be distinct positive day counts, got " ~ days) }}
    {%- endif -%}
    {{ return(days | sort) }}
{%- endmacro %}

{#- true when the horizons are the contract's default [15, 30], so the mart
    has exactly the columns its yml contract lists -#}
{% macro ar_default_dunning_effect_days() -%}
    {{ return(ar_dunning_effect_days() == [15, 30]) }}
{%- endmacro %}
