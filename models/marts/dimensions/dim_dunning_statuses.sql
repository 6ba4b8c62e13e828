{#- The canonical dunning statuses (docs/definitions/05-dunning-state.md) with FR / EN labels. -#}
select
    cast(dunning_status as {{ dbt.type_string() }}) as dunning_status,
    cast(sort_order as integer) as dunning_status_order,
    cast(label_fr as {{ dbt.type_string() }}) as label_fr,
    cast(label_en as {{ dbt.type_string() }}) as label_en,
    cast(description as {{ dbt.type_string() }}) as description
from {{ ref('ar_dunning_statuses') }}
