from typing import Any, cast

from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from nurture.accounts.models import User
from nurture.accounts.services import erasure_refusal, person_erase
from nurture.core.audit import audit_record


def _registrar(request: HttpRequest) -> User:
    """The person using the admin: `nurture.urls` lets only signed-in registrars in."""
    return cast(User, request.user)


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

    # Deleting a person is erasing them: the same service as "Delete my account", so their
    # files go, the Register keeps its entries, and the audit log says so.

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, Any, Any]:
        """Staff are shown as protected, which stops the delete: their role must change first.

        Second factors are read-only in the admin (their secrets are never shown), so the
        admin would refuse to delete a person who has one; `person_erase` removes them."""
        deletable, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed = {name for name in perms_needed if name != Authenticator._meta.verbose_name}
        refused = [f"{person}: {erasure_refusal(person)}" for person in objs if erasure_refusal(person)]
        return deletable, counts, perms_needed, [*protected, *refused]

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        """The admin's own log would keep the person's name; `person_erase` audits by id instead."""
        return []

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        person_erase(person=obj, actor=_registrar(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for person in list(queryset):
            person_erase(person=person, actor=_registrar(request))


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class SecondFactorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Who has which second factor, and when it was last used; never its secret
    (`data`), which is neither shown nor editable. Read-only: people set up and remove
    their own second factors under /accounts/2fa/."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email", "user__full_name"]
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = ("user", "type", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Authenticator | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Authenticator | None = None) -> bool:
        return False
