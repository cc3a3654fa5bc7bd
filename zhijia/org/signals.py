from django.dispatch import Signal

# Sent inside the moving transaction: other domains re-point their denormalized province ids.
# kwargs: old_path, new_path, province_id (the subtree's new provincial id, or None).
union_subtree_moved = Signal()
