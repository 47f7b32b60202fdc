module github.com/hermetic-pyobject-tls/hermetic-pyobject-tls

go 1.23
