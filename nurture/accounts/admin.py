from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from nurture.accounts.models import User
from nurture.core.audit import audit_record


@admin.register(User)
class PersonAdmin(UserAdmin):  # type: ignore[type-arg]
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "profession", "region", "is_active"]
    list_filter = ["role", "region", "profession", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "role", "profession", "region", "employer")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """Role and access changes made in the admin are staff actions: audit them."""
        super().save_model(request, obj, form, change)
        watched = [name for name in ("role", "is_active", "is_staff", "is_superuser") if name in form.changed_data]
        if watched or not change:
            audit_record(
                action="accounts.person.changed_in_admin" if change else "accounts.person.created_in_admin",
                actor=request.user,
                target=obj,
                data={name: form.cleaned_data.get(name) for name in watched},
            )
