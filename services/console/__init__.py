"""The console: a server-rendered web application for supervisors and auditors (监督与审计控制台).

It reads and acts only through the four services' gRPC APIs, with the bearer token of the person
signed in, so the services' roles decide what each person may do (auditors read only).
"""
